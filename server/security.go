package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"jszg/server/account"
	"jszg/server/config"
	"jszg/server/outbox"
	"jszg/server/pii"
	"jszg/server/settings"
	"jszg/server/store"
)

// personalDataKeys returns the keys that seal personal information: the configured ones or, in
// the local run only (Check refuses MongoDB and real providers without them), keys made at first
// start and kept in the database, like the server secret.
func personalDataKeys(ctx context.Context, st settings.Store, s config.Security) (*pii.Keys, error) {
	if len(s.PIIKeys) > 0 && len(s.PIIIndexKey) > 0 {
		return pii.New(pii.Config{Cipher: s.PIICipher, Keys: s.PIIKeys, IndexKey: s.PIIIndexKey})
	}
	data, err := st.PutIfAbsent(ctx, "pii_keys", "local:"+pii.NewSecret())
	if err != nil {
		return nil, fmt.Errorf("store personal-data key: %w", err)
	}
	index, err := st.PutIfAbsent(ctx, "pii_index_key", pii.NewSecret())
	if err != nil {
		return nil, fmt.Errorf("store personal-data index key: %w", err)
	}
	keys, err := pii.ParseKeys(data)
	if err != nil {
		return nil, err
	}
	ik, err := pii.ParseSecret(index)
	if err != nil {
		return nil, err
	}
	return pii.New(pii.Config{Cipher: s.PIICipher, Keys: keys, IndexKey: ik})
}

// UsePersonalDataKeys gives the stores' accounts their keys, as the server does (jszg seed, and
// tests that open a data directory the server wrote).
func UsePersonalDataKeys(ctx context.Context, st *store.Stores, s config.Security) error {
	keys, err := personalDataKeys(ctx, st.Settings, s)
	if err != nil {
		return err
	}
	return sealAccounts(ctx, st, keys, slog.Default())
}

// sealAccounts hands the engines their keys and seals the accounts stored before personal data
// was sealed (a one-time upgrade: until sealed they cannot be found by their blind indexes).
func sealAccounts(ctx context.Context, st *store.Stores, keys *pii.Keys, log *slog.Logger) error {
	switch {
	case st.SQLite != nil:
		st.SQLite.SetPersonalDataKeys(keys)
	case st.Mongo != nil:
		st.Mongo.SetPersonalDataKeys(keys)
	}
	r, ok := st.Accounts.(account.Resealer)
	if !ok {
		return nil
	}
	total := 0
	for {
		n, err := r.ResealPlain(ctx, 500)
		if err != nil {
			return fmt.Errorf("seal stored accounts: %w", err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total > 0 {
		log.Info("sealed the personal data of stored accounts", "accounts", total)
	}
	return nil
}

// RotateKeys re-encrypts every account not sealed with the current key, batch accounts at a time
// (jszg rotate-keys); the server may keep serving meanwhile. progress is told the running total.
func RotateKeys(ctx context.Context, cfg *config.Config, batch int, progress func(int)) (int, error) {
	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir})
	if err != nil {
		return 0, err
	}
	defer st.Close(context.WithoutCancel(ctx))
	if err := UsePersonalDataKeys(ctx, st, cfg.Security); err != nil {
		return 0, err
	}
	r := st.Accounts.(account.Resealer)
	total := 0
	for {
		n, err := r.Reseal(ctx, batch)
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, nil
		}
		total += n
		if progress != nil {
			progress(total)
		}
	}
}

// legacyNotifier tells a legacy account's holder that their number was registered again. In the
// local run the message lands in the developer outbox; with real providers it is written to the
// log and the audit log until a notice template of the SMS provider is configured.
type legacyNotifier struct {
	box *outbox.Outbox
	log *slog.Logger
}

const legacyNotice = "【中国教师资格网】您的证件号码刚刚被用于重新注册账号。新账号须通过实名核验或人工审核后才会替代您的原账号；如非本人操作，请继续使用原账号并联系客服。"

func (n legacyNotifier) NotifyReRegistration(ctx context.Context, legacy *account.Account) error {
	if n.box == nil {
		n.log.Warn("legacy account re-registered; no notice channel configured", "account", legacy.ID)
		return fmt.Errorf("no notice channel configured")
	}
	var errs []string
	if legacy.Phone != "" {
		if err := n.box.Put(ctx, outbox.Message{Channel: "sms", To: legacy.Phone, Text: legacyNotice}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if legacy.Email != "" {
		if err := n.box.Put(ctx, outbox.Message{Channel: "email", To: legacy.Email, Subject: "账号重新注册提醒", Text: legacyNotice}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("legacy notice: %s", strings.Join(errs, "; "))
	}
	return nil
}
