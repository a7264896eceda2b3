// Package moelogin is 教育部账号登录: sign-in with the Ministry of Education's unified identity
// platform over OpenID Connect (github.com/coreos/go-oidc with golang.org/x/oauth2). The browser
// goes to the platform with the authorization-code flow, PKCE (S256), a state and a nonce; the
// state is kept in the database (Store) with the nonce and the PKCE verifier and is taken once by
// the callback, so a replayed or forged callback finds nothing. The ID token is verified against
// the platform's keys, issuer, audience and expiry, and must carry the nonce. Its ID-number claim
// then links to the live account with that number (the subject is recorded on the account and
// must stay the same), or, when no account has it, registration is offered with the number
// prefilled and locked. A linked account still signs in with its password too.
package moelogin

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"jszg/server/clock"
)

// Lifetimes.
const (
	StateTTL   = 10 * time.Minute // from leaving for the platform to coming back
	PendingTTL = 30 * time.Minute // the registration offered to an unknown identity
)

// Config is the platform's client registration.
type Config struct {
	Issuer       string // JSZG_MOE_ISSUER
	ClientID     string // JSZG_MOE_CLIENT_ID
	ClientSecret string // JSZG_MOE_CLIENT_SECRET
	// Scopes besides openid (JSZG_MOE_SCOPES, space-separated); default "profile".
	Scopes []string
	// DocNumberClaim and NameClaim name the ID token's claims with the identity-document
	// number and the name (JSZG_MOE_CLAIM_DOC_NUMBER, JSZG_MOE_CLAIM_NAME).
	DocNumberClaim string
	NameClaim      string
	// AuthURL replaces the discovered authorization endpoint (the local stand-in's sign-in page
	// sits in front of it); empty keeps the platform's.
	AuthURL string
	// HTTPClient talks to the platform; default one with a 10 s timeout.
	HTTPClient *http.Client
}

// Identity is who the platform says signed in.
type Identity struct {
	Subject   string
	DocNumber string
	Name      string
}

// Refusals.
var (
	// ErrState: the callback's state is unknown, expired or used (a replay, a forgery, a stale tab).
	ErrState = errors.New("moe: unknown or used state")
	// ErrToken: the code exchange or the ID token failed verification (wrong issuer, audience,
	// signature, expiry or nonce).
	ErrToken = errors.New("moe: token refused")
	// ErrNoDocNumber: the ID token has no document number.
	ErrNoDocNumber = errors.New("moe: no document number claim")
	// ErrUnavailable: the platform's discovery could not be read.
	ErrUnavailable = errors.New("moe: platform unavailable")
)

// Client is the OpenID Connect relying party.
type Client struct {
	cfg Config
	st  Store
	clk clock.Clock

	mu       sync.Mutex
	provider *oidc.Provider
}

// New returns the client; the platform is discovered at first use, so that the account centre
// starts while the platform is down.
func New(cfg Config, st Store, clk clock.Clock) *Client {
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"profile"}
	}
	if cfg.DocNumberClaim == "" {
		cfg.DocNumberClaim = "id_number"
	}
	if cfg.NameClaim == "" {
		cfg.NameClaim = "name"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg, st: st, clk: clk}
}

func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	// go-oidc refuses a discovery document whose issuer is not the configured one.
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, c.cfg.HTTPClient), c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider, redirectURL string) *oauth2.Config {
	ep := p.Endpoint()
	if c.cfg.AuthURL != "" {
		ep.AuthURL = c.cfg.AuthURL
	}
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: ep,
		RedirectURL: redirectURL, Scopes: append([]string{oidc.ScopeOpenID}, c.cfg.Scopes...)}
}

// pending is what a state keeps.
type pending struct {
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Redirect string `json:"redirect"`
	ReturnTo string `json:"return_to,omitempty"`
}

// Start keeps a new state and returns the platform's authorization URL. redirectURL is this
// server's callback; returnTo is carried through for after the sign-in.
func (c *Client) Start(ctx context.Context, redirectURL, returnTo string) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	v, _ := json.Marshal(pending{Nonce: nonce, Verifier: verifier, Redirect: redirectURL, ReturnTo: returnTo})
	if err := c.st.Put(ctx, "state:"+state, string(v), c.clk.Now().Add(StateTTL)); err != nil {
		return "", err
	}
	return c.oauth(p, redirectURL).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Callback takes the state (once), exchanges the code with the PKCE verifier, verifies the ID
// token and its nonce, and returns the identity and the returnTo given to Start.
func (c *Client) Callback(ctx context.Context, state, code string) (*Identity, string, error) {
	if state == "" || len(state) > 100 {
		return nil, "", ErrState
	}
	raw, ok, err := c.st.Take(ctx, "state:"+state, c.clk.Now())
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", ErrState
	}
	var pd pending
	if err := json.Unmarshal([]byte(raw), &pd); err != nil {
		return nil, "", ErrState
	}
	if code == "" {
		return nil, pd.ReturnTo, ErrToken
	}
	p, err := c.discover(ctx)
	if err != nil {
		return nil, pd.ReturnTo, err
	}
	hctx := oidc.ClientContext(ctx, c.cfg.HTTPClient)
	tok, err := c.oauth(p, pd.Redirect).Exchange(hctx, code, oauth2.VerifierOption(pd.Verifier))
	if err != nil {
		return nil, pd.ReturnTo, fmt.Errorf("%w: exchange: %v", ErrToken, err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, pd.ReturnTo, fmt.Errorf("%w: no id_token", ErrToken)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}).Verify(hctx, rawID)
	if err != nil {
		return nil, pd.ReturnTo, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if idt.Nonce == "" || idt.Nonce != pd.Nonce {
		return nil, pd.ReturnTo, fmt.Errorf("%w: nonce", ErrToken)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, pd.ReturnTo, fmt.Errorf("%w: claims: %v", ErrToken, err)
	}
	id := &Identity{Subject: idt.Subject, DocNumber: claimString(claims, c.cfg.DocNumberClaim), Name: claimString(claims, c.cfg.NameClaim)}
	if id.DocNumber == "" {
		return nil, pd.ReturnTo, ErrNoDocNumber
	}
	return id, pd.ReturnTo, nil
}

// Offer keeps the registration offered to an unknown identity and returns its ticket (the
// registration page reads it back with Offered).
func (c *Client) Offer(ctx context.Context, p Pending) (string, error) {
	ticket := random()
	v, _ := json.Marshal(p)
	return ticket, c.st.Put(ctx, "pending:"+ticket, string(v), c.clk.Now().Add(PendingTTL))
}

// Pending is an offered registration.
type Pending struct {
	DocType   string `json:"doc_type"`
	DocNumber string `json:"doc_number"`
	Name      string `json:"name,omitempty"`
	Subject   string `json:"subject"`
}

// Offered returns the registration of a ticket; ok false when unknown or expired.
func (c *Client) Offered(ctx context.Context, ticket string) (*Pending, bool, error) {
	if ticket == "" || len(ticket) > 100 {
		return nil, false, nil
	}
	raw, ok, err := c.st.Get(ctx, "pending:"+ticket, c.clk.Now())
	if err != nil || !ok {
		return nil, false, err
	}
	var p Pending
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, false, nil
	}
	return &p, true, nil
}

func claimString(claims map[string]any, name string) string {
	if v, ok := claims[name].(string); ok {
		return strings.TrimSpace(v)
	}
	return ""
}

func random() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
