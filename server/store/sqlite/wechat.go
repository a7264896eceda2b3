package sqlite

// Filled in by the wechat store.
const wechatSchema = `CREATE TABLE placeholder_wechat (id INTEGER PRIMARY KEY) STRICT;`
