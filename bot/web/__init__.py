"""The staff web console (`/konsol/`): server-rendered pages over the same services as the chat."""
