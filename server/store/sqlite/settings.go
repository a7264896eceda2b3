package sqlite

// Filled in by the settings store.
const settingsSchema = `CREATE TABLE placeholder_settings (id INTEGER PRIMARY KEY) STRICT;`
