-- Accounts and their SCRAM credentials (RFC 5802 section 3).
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15. Binary values (salt, keys) are
-- stored as base64 text because the two databases share no binary column type name.
-- IF NOT EXISTS: H2 commits DDL immediately, so a migration interrupted half-way on H2 can
-- be re-run without failing on the table it already made.

CREATE TABLE IF NOT EXISTS users (
    -- A prepared localpart: at most 1023 octets (RFC 7622 section 3.3.1).
    username VARCHAR(1023) NOT NULL PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS scram_credentials (
    username VARCHAR(1023) NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    -- The hash function's name: SHA-1, SHA-256.
    hash VARCHAR(32) NOT NULL,
    salt VARCHAR(256) NOT NULL,
    iterations INTEGER NOT NULL,
    stored_key VARCHAR(128) NOT NULL,
    server_key VARCHAR(128) NOT NULL,
    PRIMARY KEY (username, hash)
);
