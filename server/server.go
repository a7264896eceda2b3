// Package server wires the account centre together: it opens the store, builds every flow with
// its dependencies (real providers or the local stand-ins, as configured), mounts the HTTP API and
// the web client, and runs until told to stop. cmd/jszg calls it; so does the test harness, so the
// tests run exactly what production runs.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/captcha"
	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/codesend"
	"jszg/server/config"
	"jszg/server/httpapi"
	"jszg/server/mail"
	"jszg/server/moelogin"
	"jszg/server/outbox"
	"jszg/server/passwordreset"
	"jszg/server/profile"
	"jszg/server/quota"
	"jszg/server/realname"
	"jszg/server/realname/faceidfake"
	"jszg/server/registration"
	"jszg/server/review"
	"jszg/server/session"
	"jszg/server/settings"
	"jszg/server/signin"
	"jszg/server/sms"
	"jszg/server/sms/smsfake"
	"jszg/server/staff"
	"jszg/server/store"
	"jszg/server/webui"
	"jszg/server/workdays"
	"jszg/wechat"
)

// Options are what tests change besides the configuration.
type Options struct {
	Clock      clock.Clock
	Log        *slog.Logger
	HashParams *account.HashParams // cheaper hashing in tests
	// CaptchaMinElapsed, when set, replaces the shortest time from drawing a puzzle to its
	// answer: API tests answer at once, where a person needs a second.
	CaptchaMinElapsed time.Duration
	// Stores, when set, are used instead of opening the configured database (tests on the
	// wire-protocol engine); the server closes them.
	Stores *store.Stores
}

// Server is the running account centre.
type Server struct {
	Config  *config.Config
	Stores  *store.Stores
	API     *httpapi.API
	Captcha *captcha.Service
	Outbox  *outbox.Outbox // nil with real providers
	// SMSStandIn is the local stand-in of Tencent's SMS API (nil with the real one); tests make it
	// fail on demand.
	SMSStandIn *smsfake.Server
	WeChat     *wechat.Service
	// MailStandIn is the in-process SMTP server (nil with a real one); MoEStandIn the local
	// OpenID Connect provider of 教育部账号登录 (nil with the real platform).
	MailStandIn *mail.StandIn
	MoEStandIn  *moelogin.StandIn
	// Accounts is the account service; real-name verification and manual review call its
	// ArchiveSuperseded when an account proves its holder.
	Accounts *account.Accounts
	// Authority is the local stand-in of the real-name authority (nil with the real one).
	Authority *faceidfake.Server
	// Reviews is the manual-review flow; Calendar its working days (an admin loads years).
	Reviews  *review.Flow
	Calendar *workdays.Calendar
	// Staff signs reviewers and admins in; FirstAdmin is the enrolment of the first admin when
	// this start made it (printed once to the log, kept nowhere else).
	Staff      *staff.Service
	FirstAdmin *staff.Enrolment
	Clock      clock.Clock
	log        *slog.Logger
	closers    []func()
	cancel     context.CancelFunc
}

// New builds the server; it does not listen yet.
func New(ctx context.Context, cfg *config.Config, o Options) (*Server, error) {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	s := &Server{Config: cfg, Clock: o.Clock, log: o.Log}
	st := o.Stores
	if st == nil {
		var err error
		st, err = store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir})
		if err != nil {
			return nil, err
		}
	}
	s.Stores = st
	s.closers = append(s.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := st.Close(ctx); err != nil {
			o.Log.Warn("close store", "err", err)
		}
	})
	if err := s.build(ctx, o); err != nil {
		s.Close()
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go st.RunSweeper(bg, time.Minute, o.Clock.Now, func(err error) { o.Log.Warn("expiry sweep failed", "err", err) })
	return s, nil
}

func (s *Server) build(ctx context.Context, o Options) error {
	cfg, st, clk, log := s.Config, s.Stores, s.Clock, s.log
	secret, err := loadSecret(ctx, st.Settings, cfg.Secret)
	if err != nil {
		return err
	}
	keys, err := personalDataKeys(ctx, st.Settings, cfg.Security)
	if err != nil {
		return err
	}
	if err := sealAccounts(ctx, st, keys, log); err != nil {
		return err
	}
	if cfg.CaptchaOff {
		log.Warn("JSZG_CAPTCHA=off: the slide captcha accepts anything; for load tests with local stand-ins only")
	}
	quotas := quota.New(st.Quotas, clk)
	capt, err := captcha.New(st.Captcha, clk, captcha.Options{Disabled: cfg.CaptchaOff, Failures: quotas, MinElapsed: o.CaptchaMinElapsed})
	if err != nil {
		return err
	}
	s.Captcha = capt
	codes := code.New(st.Codes, clk, quotas, secret)
	accounts := account.New(st.Accounts)
	hp := account.DefaultHashParams
	if o.HashParams != nil {
		hp = *o.HashParams
	}
	hasher := account.NewHasher(hp)
	sessions := session.New(st.Sessions, clk, secret)
	accounts.Sessions = sessions
	s.Accounts = accounts
	auditLog := audit.New(st.Audit, clk, log)

	sender, err := s.smsSender(cfg, st, clk)
	if err != nil {
		return err
	}
	wcfg := cfg.WeChat
	wcfg.Logger = log
	wx, err := wechat.New(ctx, wcfg, st.WeChat, clk, codes, quotas)
	if err != nil {
		return err
	}

	s.WeChat = wx
	mailer, err := s.mailSender(cfg)
	if err != nil {
		return err
	}
	moe, err := s.moeClient(cfg, st, clk)
	if err != nil {
		return err
	}
	follow, err := s.followQR(cfg)
	if err != nil {
		return err
	}
	sendCode := &codesend.Flow{Captcha: capt, Codes: codes, SMS: sender, Audit: auditLog, Log: log}
	notices := accountNotices{wx: wx, sms: sender, clk: clk, log: log}
	verifier, err := s.realNameVerifier(cfg)
	if err != nil {
		return err
	}
	proven := provenHolder{accounts: accounts, clk: clk}
	realName := &realname.Flow{Accounts: accounts, Verifier: verifier, Quotas: quotas, Audit: auditLog, Clock: clk,
		Identities: proven, Legacy: proven}

	reviews, err := s.reviewFlow(ctx, cfg, st, clk, accounts, quotas, auditLog, sender, wx)
	if err != nil {
		return err
	}

	s.Staff = &staff.Service{Store: st.Staff, Hasher: hasher, Quotas: quotas, Audit: auditLog, Clock: clk}
	first, err := s.Staff.Bootstrap(ctx)
	if err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	if first != nil {
		s.FirstAdmin = first
		log.Warn("reviewer console at /admin: " + first.Describe())
	}

	s.API = httpapi.New(httpapi.Deps{
		RealName:      realName,
		Review:        reviews,
		Staff:         s.Staff,
		Calendar:      s.Calendar,
		TellApplicant: s.contactNotice(cfg, sender),
		Entries:       entriesOr(cfg.Entries),
		Log:           log,
		Clock:         clk,
		Captcha:       capt,
		Quotas:        quotas,
		SendCode:      sendCode,
		Accounts:      accounts,
		Sessions:      sessions,
		Audit:         auditLog,
		Outbox:        s.Outbox,
		WeChat:        wx,
		Register: &registration.Flow{
			Accounts: accounts, Hasher: hasher, Captcha: capt, Codes: codes, WeChat: wx, Audit: auditLog, Clock: clk,
			Quotas: quotas, Notifier: legacyNotifier{box: s.Outbox, log: log},
		},
		SignIn: &signin.Flow{
			Accounts: accounts, Hasher: hasher, Captcha: capt, Quotas: quotas, Sessions: sessions,
			Audit: auditLog, Clock: clk, ReturnHosts: cfg.ReturnHosts,
		},
		Health:         st.Ping,
		TrustedProxies: cfg.TrustedProxies,
		PasswordReset: &passwordreset.Flow{
			Accounts: accounts, Hasher: hasher, Captcha: capt, Tickets: st.PasswordResets, Codes: codes, SMS: sendCode,
			Mail: mailer, WeChat: wx, Sessions: sessions, Notify: notices, Quotas: quotas, Audit: auditLog, Clock: clk,
			Secret: secret, Log: log,
		},
		Profile: &profile.Flow{
			Accounts: accounts, Hasher: hasher, Codes: codes, SMS: sendCode, Sessions: sessions, Notify: notices,
			Quotas: quotas, Audit: auditLog, Clock: clk,
		},
		MoE:       &moelogin.Flow{Client: moe, Accounts: accounts, Sessions: sessions, Audit: auditLog},
		PublicURL: cfg.WeChat.PublicURL,
		FollowQR:  follow,
	})
	wx.Mount(s.API.App, s.API.Authed, httpapi.AccountOf)
	if phone := wx.StandIn(); phone != nil {
		s.API.App.Use("/dev/wechat", httpapi.DevOnly)
		phone.MountDevPage(s.API.App)
	}
	if s.MoEStandIn != nil {
		s.API.App.Use("/dev/moe", httpapi.DevOnly)
		s.MoEStandIn.MountDevPage(s.API.App)
	}
	s.WeChat = wx
	s.API.NotFound()
	return webui.Mount(s.API.App, webui.Config{WebDir: cfg.WebDir, Domain: hostOf(cfg.WeChat.PublicURL)})
}

// smsSender is Tencent Cloud SMS when configured. Otherwise it is the same Tencent adapter
// talking to a local stand-in of Tencent's API, which hands every message to the outbox: the
// real adapter's code path runs in the local product too.
func (s *Server) smsSender(cfg *config.Config, st *store.Stores, clk clock.Clock) (*sms.Tencent, error) {
	t := cfg.Tencent
	tc := sms.TencentConfig{SecretID: t.SecretID, SecretKey: t.SecretKey, Region: t.Region, SdkAppID: t.AppID,
		SignName: t.SignName, TemplateID: t.TemplateID, NoticeTemplateID: t.NoticeTemplateID, Endpoint: t.Endpoint}
	if !cfg.StandIns() {
		return sms.NewTencent(tc)
	}
	s.Outbox = outbox.New(st.Outbox, clk)
	box := s.Outbox
	tc = sms.TencentConfig{SecretID: "AKIDlocalstandin", SecretKey: randomHex(16), SdkAppID: "1400000000",
		SignName: "中国教师资格网", TemplateID: "100001", NoticeTemplateID: "100002"}
	fake, err := smsfake.Start(smsfake.Config{
		SecretID: tc.SecretID, SecretKey: tc.SecretKey, SdkAppID: tc.SdkAppID,
		OnMessage: func(m smsfake.Message) {
			if len(m.Params) < 2 {
				return
			}
			if m.TemplateID == tc.NoticeTemplateID {
				_ = box.Put(context.Background(), outbox.Message{Channel: "sms", To: strings.TrimPrefix(m.Phone, "+86"),
					Text: outbox.NoticeText(m.Params[0], m.Params[1])})
				return
			}
			if m.TemplateID == localReviewSMSTemplate {
				_ = box.Put(context.Background(), outbox.Message{Channel: "sms", To: strings.TrimPrefix(m.Phone, "+86"),
					Text: "【中国教师资格网】您的人工审核结果：" + m.Params[0] + "。原因：" + m.Params[1] + "。"})
				return
			}
			var minutes int
			fmt.Sscan(m.Params[1], &minutes)
			phone := strings.TrimPrefix(m.Phone, "+86")
			_ = box.Put(context.Background(), outbox.Message{Channel: "sms", To: phone, Text: outbox.SMSText(m.Params[0], minutes), Code: m.Params[0]})
		},
	})
	if err != nil {
		return nil, err
	}
	s.SMSStandIn = fake
	s.closers = append(s.closers, func() { _ = fake.Close() })
	tc.Endpoint = fake.URL
	return sms.NewTencent(tc)
}

func entriesOr(e map[string]string) map[string]string {
	if e == nil {
		return config.DefaultEntries()
	}
	return e
}

// The stand-ins' templates of a review's decision.
const (
	localReviewSMSTemplate    = "100002"
	localReviewWeChatTemplate = "local-review-notice"
)

// reviewFlow builds the manual review: its photo key (configured, or made once and kept in the
// database like the secret), the working-day calendar (shipped years and those admins added)
// and the decision's notices.
func (s *Server) reviewFlow(ctx context.Context, cfg *config.Config, st *store.Stores, clk clock.Clock,
	accounts *account.Accounts, quotas *quota.Quotas, auditLog *audit.Log, sender codesend.SMSSender, wx *wechat.Service) (*review.Flow, error) {
	key := cfg.PhotoKey
	if key == "" {
		v, err := st.Settings.PutIfAbsent(ctx, "photo_key", randomHex(32))
		if err != nil {
			return nil, fmt.Errorf("store photo key: %w", err)
		}
		key = v
	}
	sealer, err := review.NewSealer(key)
	if err != nil {
		return nil, err
	}
	cal, err := workdays.Open(ctx, st.WorkdayYears)
	if err != nil {
		return nil, fmt.Errorf("working days: %w", err)
	}
	s.Calendar = cal
	if d := clk.Now().In(clock.China); d.Month() >= time.November && !cal.Has(d.Year()+1) {
		s.log.Warn("the next year's holiday arrangement is not loaded: due dates of manual reviews that run into it are provisional until an admin loads it (POST /api/admin/workdays)",
			"year", d.Year()+1)
	}
	notices := &review.Notices{WeChat: wechatNotices{wx}, WeChatTemplate: cfg.ReviewWeChatTemplate, SMSTemplate: cfg.ReviewSMSTemplate}
	if n, ok := sender.(review.SMSNotifier); ok {
		notices.SMS = n
	}
	if cfg.StandIns() {
		notices.SMSTemplate = localReviewSMSTemplate
	}
	if cfg.WeChat.AppID == "" {
		notices.WeChatTemplate = localReviewWeChatTemplate
	}
	s.Reviews = &review.Flow{Store: st.Reviews, Photos: st.ReviewPhotos, Sealer: sealer, Accounts: accounts,
		Quotas: quotas, Calendar: cal, Audit: auditLog, Clock: clk, Notifier: notices,
		Approval: provenHolder{accounts: accounts, clk: clk}}
	return s.Reviews, nil
}

// contactNotice tells an applicant, at the phone they had, that an admin corrected their phone
// and e-mail: by the SMS template JSZG_SMS_TENCENT_TEMPLATE_CONTACT, or into the stand-in's outbox.
func (s *Server) contactNotice(cfg *config.Config, sender codesend.SMSSender) func(context.Context, *account.Account, string) {
	const text = "【中国教师资格网】管理员已按您的申请更正了账号的手机号码和安全邮箱。如非本人申请，请联系客服。"
	return func(ctx context.Context, acc *account.Account, _ string) {
		if s.Outbox != nil {
			_ = s.Outbox.Put(ctx, outbox.Message{Channel: "sms", To: acc.Phone, Text: text})
			return
		}
		n, ok := sender.(review.SMSNotifier)
		if tpl := cfg.ContactSMSTemplate; ok && tpl != "" {
			if err := n.SendTemplate(ctx, acc.Phone, tpl, nil); err != nil {
				s.log.Warn("contact correction notice not sent", "err", err)
			}
		}
	}
}

// wechatNotices adapts the service account's template messages to the review's notices.
type wechatNotices struct{ wx *wechat.Service }

func (w wechatNotices) NotifyTemplate(ctx context.Context, accountID, templateID, kind, link string, data map[string]string) error {
	return w.wx.Notify(ctx, accountID, wechat.Notice{TemplateID: templateID, Kind: kind, URL: link, Data: data})
}

// realNameVerifier is Tencent Cloud's IdCardVerification when configured, otherwise the same
// adapter talking to the local stand-in authority.
func (s *Server) realNameVerifier(cfg *config.Config) (realname.Verifier, error) {
	r := cfg.RealName
	tc := realname.TencentConfig{SecretID: r.SecretID, SecretKey: r.SecretKey, Region: r.Region, Endpoint: r.Endpoint, Timeout: r.Timeout}
	if r.Provider == "tencent" {
		return realname.NewTencent(tc)
	}
	tc = realname.TencentConfig{SecretID: "AKIDlocalauthority", SecretKey: randomHex(16), Timeout: r.Timeout}
	fake, err := faceidfake.Start(faceidfake.Config{SecretID: tc.SecretID, SecretKey: tc.SecretKey})
	if err != nil {
		return nil, err
	}
	s.Authority = fake
	s.closers = append(s.closers, func() { _ = fake.Close() })
	tc.Endpoint = fake.URL
	return realname.NewTencent(tc)
}

// Serve listens on ln until ctx ends, then shuts down gracefully: no new connections, requests
// in flight get ShutdownTimeout to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.API.App.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	if err := s.API.App.ShutdownWithTimeout(s.Config.ShutdownTimeout); err != nil {
		return err
	}
	return nil
}

// Close releases the store and the stand-ins.
func (s *Server) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// loadSecret returns the configured secret or, without one, the secret kept in the database,
// made by whichever instance starts first.
func loadSecret(ctx context.Context, st settings.Store, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	v, err := st.PutIfAbsent(ctx, "secret", randomHex(32))
	if err != nil {
		return nil, fmt.Errorf("store secret: %w", err)
	}
	return []byte(v), nil
}

// hostOf is the host of an absolute URL, or "" (the pages' og:url then stays relative).
func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
