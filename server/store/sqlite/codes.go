package sqlite

// Filled in by the codes store.
const codesSchema = `CREATE TABLE placeholder_codes (id INTEGER PRIMARY KEY) STRICT;`
