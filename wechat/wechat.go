// Package wechat is the account centre's WeChat service account (服务号), and its only point of
// integration with the server: New builds it from its stores (Stores), the clock and the verification-code
// service; Mount registers its routes; registration, the personal centre and manual review call
// OpenIDForScene, BindAfterRegistration, BoundOpenID and Notify. Underneath, each concern is a
// package of its own: serviceaccount (the SDK adapter), accesstoken (the token shared by every
// instance), callback (the verified event endpoint), scene (QR scans for codes and binding),
// binding (openid ↔ account), notice (template messages) and wechatfake (the local stand-in).
//
// Configuration comes from the environment (ConfigFromEnv):
//
//	JSZG_WECHAT_APPID     the service account's AppID; empty starts the local stand-in in process
//	JSZG_WECHAT_SECRET    its AppSecret
//	JSZG_WECHAT_TOKEN     the message endpoint's token (公众平台 → 基本配置 → 服务器配置)
//	JSZG_WECHAT_AES_KEY   the EncodingAESKey (43 characters) for safe mode; empty for plain mode
//	JSZG_WECHAT_API_BASE  another base URL for api.weixin.qq.com (a stand-in on another host)
//	JSZG_WECHAT_TEMPLATE_BOUND  template id of the 绑定成功 notice; empty sends none
//	JSZG_PUBLIC_URL       this server's external base URL, for the OAuth redirect_uri and the
//	                      stand-in's pushes; empty: taken from each request
//
// With no AppID the stand-in (wechatfake) starts inside the process with fresh credentials in
// safe mode; StandIn returns it so the server can mount the developer's phone at /dev/wechat.
// The server configures WeChat's callback URL as <public URL>/wechat/callback.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/wechat/accesstoken"
	"jszg/wechat/binding"
	"jszg/wechat/callback"
	"jszg/wechat/notice"
	"jszg/wechat/scene"
	"jszg/wechat/serviceaccount"
	"jszg/wechat/wechatfake"
)

// Config is the service account's settings.
type Config struct {
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string
	APIBase        string
	// PublicURL is this server's external base URL, e.g. https://sso.jszg.edu.cn.
	PublicURL string
	// BoundTemplateID is the template message sent when an account is bound
	// (JSZG_WECHAT_TEMPLATE_BOUND); empty sends none. The stand-in has one.
	BoundTemplateID string
	// ResetTemplateID is the template message carrying a one-time password-reset link
	// (JSZG_WECHAT_TEMPLATE_RESET); SecurityTemplateID the notice that the password or phone
	// changed (JSZG_WECHAT_TEMPLATE_SECURITY). Empty: the stand-in's, or none with WeChat itself
	// (the reset link is then not offered and notices go by SMS).
	ResetTemplateID    string
	SecurityTemplateID string
	// ProfilePath is the personal centre page the OAuth binding returns to (default /profile).
	ProfilePath string
	Logger      *slog.Logger
	// OriginalID is the service account's 原始ID (gh_…, JSZG_WECHAT_ORIGINAL_ID): a push not
	// addressed to it is refused.
	OriginalID string
	// Compatible accepts plaintext pushes while an EncodingAESKey is set (JSZG_WECHAT_COMPATIBLE,
	// the 公众平台's 兼容模式, for switching modes only); otherwise safe mode means encrypted only.
	Compatible bool
}

// ConfigFromEnv reads the JSZG_WECHAT_* variables (see the package comment).
func ConfigFromEnv() Config {
	return Config{
		AppID:          os.Getenv("JSZG_WECHAT_APPID"),
		AppSecret:      os.Getenv("JSZG_WECHAT_SECRET"),
		Token:          os.Getenv("JSZG_WECHAT_TOKEN"),
		EncodingAESKey: os.Getenv("JSZG_WECHAT_AES_KEY"),
		APIBase:        os.Getenv("JSZG_WECHAT_API_BASE"),
		PublicURL:      os.Getenv("JSZG_PUBLIC_URL"),

		BoundTemplateID: os.Getenv("JSZG_WECHAT_TEMPLATE_BOUND"),

		ResetTemplateID:    os.Getenv("JSZG_WECHAT_TEMPLATE_RESET"),
		SecurityTemplateID: os.Getenv("JSZG_WECHAT_TEMPLATE_SECURITY"),
		OriginalID:         os.Getenv("JSZG_WECHAT_ORIGINAL_ID"),
		Compatible:         os.Getenv("JSZG_WECHAT_COMPATIBLE") == "on",
	}
}

// Notice is a template message to an account's WeChat user.
type Notice = notice.Notice

// Refusals callers act on.
var (
	// ErrNotBound: the account has no WeChat binding (notify by SMS instead).
	ErrNotBound = binding.ErrNotBound
	// ErrUnfollowed: the bound user unfollowed the service account (notify by SMS instead).
	ErrUnfollowed = notice.ErrUnfollowed
	// ErrOpenIDTaken: the WeChat user is already bound to another account.
	ErrOpenIDTaken = binding.ErrOpenIDTaken
	// ErrAccountBound: the account is already bound to another WeChat user.
	ErrAccountBound = binding.ErrAccountBound
	// ErrSceneNotFound: unknown scene, or not one whose code was sent.
	ErrSceneNotFound = scene.ErrNotFound
)

// Limits on creating QR codes, per client address (public registration page) and per account
// (personal centre). Each costs a call to WeChat; many applicants share one address.
var (
	ScenesPerHour = quota.Limit{Name: "wechat_scene_hour", Max: 60, Window: quota.Fixed(time.Hour)}
	ScenesPerDay  = quota.Limit{Name: "wechat_scene_day", Max: 300, Window: quota.ChinaDay}
)

// Service is the service account.
type Service struct {
	cfg      Config
	clk      clock.Clock
	log      *slog.Logger
	client   *serviceaccount.Client
	tokens   *accesstoken.Source
	bindings notifyingBindings
	scenes   *scene.Flow
	notices  *notice.Notices
	endpoint *callback.Endpoint
	quotas   *quota.Quotas
	states   OAuthStates
	standIn  *wechatfake.App
	// publicPrefix is where the public routes are mounted (for QR image URLs).
	publicPrefix string
}

// Stores are the WeChat records, each behind its own package's store interface; both engines
// (server/store/sqlite and server/store/mongo) return them from WeChat().
type Stores struct {
	Tokens      accesstoken.Store
	Bindings    binding.Store
	Scenes      scene.Store
	Pushes      callback.Store
	Notices     notice.Store
	OAuthStates OAuthStates
}

// OAuthStates keeps the state of each OAuth authorization started, tied to the signed-in account
// (http.go).
type OAuthStates interface {
	// Put keeps state for accountID until expiresAt.
	Put(ctx context.Context, state, accountID string, expiresAt time.Time) error
	// Take removes state and returns its account, or ok false when it is unknown or expired at
	// now. Of concurrent takes of one state, one alone gets it.
	Take(ctx context.Context, state string, now time.Time) (accountID string, ok bool, err error)
}

// New builds the service account. With no AppID it starts the local stand-in.
// The verification codes and the quotas are the server's shared services.
func New(ctx context.Context, cfg Config, st Stores, clk clock.Clock, codes *code.Service, quotas *quota.Quotas) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ProfilePath == "" {
		cfg.ProfilePath = "/profile"
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	s := &Service{cfg: cfg, clk: clk, states: st.OAuthStates, log: cfg.Logger.With("component", "wechat")}
	if cfg.AppID == "" {
		srv, err := wechatfake.Default()
		if err != nil {
			return nil, err
		}
		ac := wechatfake.NewAppConfig()
		ac.Now = clk.Now
		if cfg.PublicURL != "" {
			ac.CallbackURL = cfg.PublicURL + "/wechat/callback"
		}
		s.standIn = srv.AddApp(ac)
		cfg.AppID, cfg.AppSecret, cfg.Token, cfg.EncodingAESKey, cfg.APIBase = ac.AppID, ac.Secret, ac.Token, ac.EncodingAESKey, srv.URL
		cfg.OriginalID = ac.OriginalID
		if cfg.BoundTemplateID == "" {
			cfg.BoundTemplateID = "local-bound-notice"
		}
		if cfg.ResetTemplateID == "" {
			cfg.ResetTemplateID = "local-reset-link"
		}
		if cfg.SecurityTemplateID == "" {
			cfg.SecurityTemplateID = "local-security-notice"
		}
		s.cfg = cfg
		s.log.Info("WeChat: no AppID configured, using the local stand-in", "api", srv.URL, "phone", "/dev/wechat")
	}
	if cfg.Token == "" {
		return nil, errors.New("wechat: JSZG_WECHAT_TOKEN is required with an AppID")
	}
	client, err := serviceaccount.New(serviceaccount.Config{AppID: cfg.AppID, AppSecret: cfg.AppSecret,
		Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey, APIBase: cfg.APIBase})
	if err != nil {
		return nil, err
	}
	s.client = client
	s.tokens = accesstoken.New(st.Tokens, clk, cfg.AppID, client.FetchAccessToken, s.log)
	client.UseAccessTokens(s.tokens)
	s.quotas = quotas
	s.bindings = notifyingBindings{binding.New(st.Bindings, clk), s}
	s.scenes = scene.New(st.Scenes, clk, ticketer{client}, codes, s.bindings, s.quotas, s.log)
	s.notices = notice.New(st.Notices, clk, client, s.bindings, s.log)
	s.endpoint, err = callback.New(callback.Config{AppID: cfg.AppID, Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey,
		OriginalID: cfg.OriginalID, Compatible: cfg.Compatible},
		st.Pushes, clk, s.onEvent, s.log)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// StandIn returns the local stand-in's service account, or nil when WeChat itself is used.
func (s *Service) StandIn() *wechatfake.App { return s.standIn }

// OpenIDForScene returns the openid that was sent the registration code of scene;
// ErrSceneNotFound when none was.
func (s *Service) OpenIDForScene(ctx context.Context, sceneID string) (string, error) {
	return s.scenes.OpenIDForRegistration(ctx, sceneID)
}

// BindAfterRegistration binds the WeChat user who was sent the code of scene to the new account.
// Registration calls it after the code was verified (code_source wechat). ErrOpenIDTaken means
// that WeChat user already has an account: the new account stays unbound.
func (s *Service) BindAfterRegistration(ctx context.Context, sceneID, accountID string) error {
	return s.scenes.BindAfterRegistration(ctx, sceneID, accountID)
}

// BoundOpenID returns the openid bound to accountID, or "" (and no error) when there is none.
func (s *Service) BoundOpenID(ctx context.Context, accountID string) (string, error) {
	b, err := s.bindings.Get(ctx, accountID)
	if errors.Is(err, binding.ErrNotBound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return b.OpenID, nil
}

// Notify sends a template message to the WeChat user bound to accountID, with a few retries.
// ErrNotBound and ErrUnfollowed tell the caller to use SMS instead.
func (s *Service) Notify(ctx context.Context, accountID string, n Notice) error {
	return s.notices.Notify(ctx, accountID, n)
}

// onEvent routes a verified push.
func (s *Service) onEvent(ctx context.Context, ev callback.Event) (string, error) {
	switch ev.Type {
	case callback.Subscribe, callback.Scan:
		if ev.FirstFollow {
			// A binding whose user comes back is followed again.
			if err := s.bindings.SetFollowed(ctx, ev.OpenID, true); err != nil {
				return "", err
			}
		}
		if ev.Scene == "" {
			if ev.FirstFollow {
				return scene.Welcome, nil
			}
			return "", nil
		}
		return s.scenes.Scan(ctx, ev.OpenID, ev.Scene)
	case callback.Unsubscribe:
		return "", s.bindings.SetFollowed(ctx, ev.OpenID, false)
	}
	return "", nil
}

// ticketer turns the adapter's ticket into the content of the QR code.
type ticketer struct{ c *serviceaccount.Client }

func (t ticketer) QRTicket(ctx context.Context, sceneID string, ttl time.Duration) (string, error) {
	tk, err := t.c.QRTicket(ctx, sceneID, ttl)
	if err != nil {
		return "", fmt.Errorf("create QR code: %w", err)
	}
	return tk.URL, nil
}
