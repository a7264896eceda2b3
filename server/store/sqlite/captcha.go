package sqlite

// Filled in by the captcha store.
const captchaSchema = `CREATE TABLE placeholder_captcha (id INTEGER PRIMARY KEY) STRICT;`
