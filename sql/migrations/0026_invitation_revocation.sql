-- Invitations by e-mail (issue 22): an inviter can revoke an invitation not yet accepted.
-- A revoked invitation's token no longer works, and its queued mail is not sent.
alter table invitations add column revoked_at timestamptz;
