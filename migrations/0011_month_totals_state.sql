-- Whether the month totals (0010) hold exactly what the daily facts sum to.
-- A large pull sets `fresh` to 0 and drops the totals' triggers in one
-- transaction (a trigger upsert per pulled row made a county's first pull
-- half again as slow), and rebuilds the totals, puts the triggers back and
-- sets 1 in another (`Store::suspend_month_totals`, `resume_month_totals`).
-- While it is 0 — during the pull, or after one was killed until the next
-- sync — every reader sums the days instead, so no figure is ever read
-- from stale totals.
CREATE TABLE month_totals_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    fresh INTEGER NOT NULL CHECK (fresh IN (0, 1))
);
INSERT INTO month_totals_state (id, fresh) VALUES (1, 1);
