// Package store opens the database and hands each capability its store: the embedded SQLite
// database under the data directory when no MongoDB is configured (package sqlite), otherwise the
// MongoDB deployment (package mongo). Every capability declares the small store interface it needs
// in its own package (account.Store, session.Store, quota.Store, ...); both engines implement all
// of them, and one contract suite per interface runs on both (the <capability>test packages).
// Flows and handlers see only those interfaces, never an engine.
package store

import (
	"context"
	"errors"
	"time"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/captcha"
	"jszg/server/code"
	"jszg/server/moelogin"
	"jszg/server/outbox"
	"jszg/server/passwordreset"
	"jszg/server/quota"
	"jszg/server/review"
	"jszg/server/session"
	"jszg/server/settings"
	"jszg/server/staff"
	"jszg/server/store/mongo"
	"jszg/server/store/sqlite"
	"jszg/server/workdays"
	"jszg/wechat"
)

// Config says where the data lives.
type Config struct {
	// URI of a MongoDB deployment; empty opens the embedded store.
	URI string
	// Database name on MongoDB.
	Database string
	// DataDir holds the embedded store's file.
	DataDir string
}

// Engine names.
const (
	EngineSQLite  = "sqlite"
	EngineMongoDB = "mongodb"
)

// Stores is every capability's store on one open database.
type Stores struct {
	Engine   string
	Settings settings.Store
	Accounts account.Store
	Sessions session.Store
	Quotas   quota.Store
	Codes    code.Store
	Captcha  captcha.Store
	Audit    audit.Store
	Outbox   outbox.Store
	WeChat   wechat.Stores
	// PasswordResets are the tickets of 忘记密码; MoE the records of 教育部账号登录.
	PasswordResets passwordreset.Store
	MoE            moelogin.Store
	// Reviews are the manual-review applications; ReviewPhotos their sealed photos, apart.
	Reviews      review.Store
	ReviewPhotos review.PhotoStore
	// Staff are the reviewer console's accounts.
	Staff staff.Store
	// WorkdayYears are the working-day years admins add.
	WorkdayYears workdays.Store

	// SQLite is the embedded database (nil on MongoDB); Mongo the MongoDB one (nil embedded).
	SQLite *sqlite.DB
	Mongo  *mongo.DB
}

// Open opens the configured database.
func Open(ctx context.Context, cfg Config) (*Stores, error) {
	if cfg.URI == "" {
		db, err := sqlite.Open(ctx, cfg.DataDir)
		if err != nil {
			return nil, err
		}
		return OnSQLite(db), nil
	}
	db, err := mongo.Open(ctx, mongo.Options{URI: cfg.URI, Database: cfg.Database})
	if err != nil {
		return nil, err
	}
	return OnMongo(db), nil
}

// OnSQLite returns the stores of an open embedded database.
func OnSQLite(db *sqlite.DB) *Stores {
	return &Stores{
		Engine:         EngineSQLite,
		SQLite:         db,
		Settings:       db.Settings(),
		Accounts:       db.Accounts(),
		Sessions:       db.Sessions(),
		Quotas:         db.Quotas(),
		Codes:          db.Codes(),
		Captcha:        db.Captcha(),
		Audit:          db.Audit(),
		Outbox:         db.Outbox(),
		PasswordResets: db.PasswordResets(),
		MoE:            db.MoEStates(),
		WeChat: wechat.Stores{
			Tokens:      db.WeChatTokens(),
			Bindings:    db.WeChatBindings(),
			Scenes:      db.WeChatScenes(),
			Pushes:      db.WeChatPushes(),
			Notices:     db.WeChatNotices(),
			OAuthStates: db.WeChatOAuthStates(),
		},
		Reviews:      db.Reviews(),
		ReviewPhotos: db.ReviewPhotos(),
		Staff:        db.Staff(),
		WorkdayYears: db.WorkdayYears(),
	}
}

// OnMongo returns the stores of an open MongoDB database.
func OnMongo(db *mongo.DB) *Stores {
	return &Stores{
		Engine:         EngineMongoDB,
		Mongo:          db,
		Settings:       db.Settings(),
		Accounts:       db.Accounts(),
		Sessions:       db.Sessions(),
		Quotas:         db.Quotas(),
		Codes:          db.Codes(),
		Captcha:        db.Captcha(),
		Audit:          db.Audit(),
		Outbox:         db.Outbox(),
		PasswordResets: db.PasswordResets(),
		MoE:            db.MoEStates(),
		WeChat: wechat.Stores{
			Tokens:      db.WeChatTokens(),
			Bindings:    db.WeChatBindings(),
			Scenes:      db.WeChatScenes(),
			Pushes:      db.WeChatPushes(),
			Notices:     db.WeChatNotices(),
			OAuthStates: db.WeChatOAuthStates(),
		},
		Reviews:      db.Reviews(),
		ReviewPhotos: db.ReviewPhotos(),
		Staff:        db.Staff(),
		WorkdayYears: db.WorkdayYears(),
	}
}

// Ping checks that the database answers.
func (s *Stores) Ping(ctx context.Context) error {
	if s.SQLite != nil {
		return s.SQLite.Ping(ctx)
	}
	return s.Mongo.Ping(ctx)
}

// Sweep deletes expired records where the engine does not do it itself.
func (s *Stores) Sweep(ctx context.Context, now time.Time) (int64, error) {
	if s.SQLite != nil {
		return s.SQLite.Sweep(ctx, now)
	}
	return s.Mongo.Sweep(ctx, now)
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Stores) RunSweeper(ctx context.Context, every time.Duration, now func() time.Time, warn func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Sweep(ctx, now()); err != nil && !errors.Is(err, context.Canceled) {
				warn(err)
			}
		}
	}
}

// Close closes the database.
func (s *Stores) Close(ctx context.Context) error {
	if s.SQLite != nil {
		return s.SQLite.Close()
	}
	return s.Mongo.Close(ctx)
}
