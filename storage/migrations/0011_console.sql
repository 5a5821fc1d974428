-- Staff web console (/konsol/, #11): single-use login links and sessions. Only SHA-256 hashes
-- of the random tokens are stored: a copy of the database opens no session.

CREATE TABLE console_links (
    token_hash TEXT PRIMARY KEY,                -- sha256 hex of the link's token
    user_id    TEXT NOT NULL,                   -- the staff member's Telegram user id
    language   TEXT NOT NULL DEFAULT 'id',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT                             -- set once, when the link is opened
);
CREATE INDEX console_links_expiry ON console_links (expires_at);

CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY,                -- sha256 hex of the session cookie
    user_id    TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'id',
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL,                   -- last request: the idle timeout counts from here
    ended_at   TEXT                             -- logout
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);

-- The console's audit page filters by actor and by action, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
