package sqlite

// Filled in by the accounts store.
const accountsSchema = `CREATE TABLE placeholder_accounts (id INTEGER PRIMARY KEY) STRICT;`
