-- Kit sync and summons rounds (#12): pending rows leave `outbox_state`.
--
-- Pending rows have their own indexes (outbox_queue, outbox_due, outbox_pending_nik); their
-- entries in outbox_state (state, kind) duplicated those, so planning a summons wrote one index
-- entry more than needed and cancelling one (a kit sync cancels the pending summons of everyone
-- it records, in the same transaction) moved it inside outbox_state. Now outbox_state holds the
-- rows in flight and settled (sending, sent, failed, dead, cancelled): counting them by state
-- and listing dead rows stay index-only. Pending rows are counted by kind through
-- outbox_pending_nik, which now carries the kind as well (the summons planner's and the kit
-- sync's "pending summons of this NIK" become index-only too).
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, kind) WHERE state <> 'pending';
DROP INDEX outbox_pending_nik;
CREATE INDEX outbox_pending_nik ON outbox (nik, kind) WHERE state = 'pending';
