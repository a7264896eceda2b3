package accesstoken_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/store/storetest"
	"jszg/wechat/accesstoken"
	"jszg/wechat/serviceaccount"
	"jszg/wechat/wechatfake"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// instances returns n token sources sharing one store, as n server instances would, each with
// its own adapter against the stand-in, and the stand-in's app to count token requests.
func instances(t *testing.T, n int) ([]*accesstoken.Source, []*serviceaccount.Client, *wechatfake.App, *clock.Fake) {
	t.Helper()
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	srv, err := wechatfake.Default()
	if err != nil {
		t.Fatal(err)
	}
	ac := wechatfake.NewAppConfig()
	ac.Now = clk.Now
	app := srv.AddApp(ac)
	var srcs []*accesstoken.Source
	var clients []*serviceaccount.Client
	for i := 0; i < n; i++ {
		c, err := serviceaccount.New(serviceaccount.Config{AppID: ac.AppID, AppSecret: ac.Secret, Token: ac.Token, APIBase: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		s := accesstoken.New(st.WeChat.Tokens, clk, ac.AppID, c.FetchAccessToken, quiet)
		c.UseAccessTokens(s)
		srcs = append(srcs, s)
		clients = append(clients, c)
	}
	return srcs, clients, app, clk
}

// tokensAtOnce has 10 goroutines, spread over the instances, ask for the token together.
func tokensAtOnce(t *testing.T, srcs []*accesstoken.Source) map[string]int {
	t.Helper()
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := srcs[i%len(srcs)].GetAccessTokenContext(context.Background())
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
				return
			}
			mu.Lock()
			seen[tok]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return seen
}

func TestTokenIsFetchedOnceForEveryone(t *testing.T) {
	srcs, _, app, clk := instances(t, 3)

	// No token yet: one fetch, everyone waits for it.
	if seen := tokensAtOnce(t, srcs); len(seen) != 1 || app.TokenRequests() != 1 {
		t.Fatalf("first: tokens %v, %d requests", seen, app.TokenRequests())
	}
	// Well before expiry: no fetch.
	clk.Advance(time.Hour)
	tokensAtOnce(t, srcs)
	if n := app.TokenRequests(); n != 1 {
		t.Fatalf("an hour in: %d requests", n)
	}
	// Inside the last 5 minutes: one instance refreshes, the others keep the current token.
	clk.Advance(time.Hour - 4*time.Minute)
	tokensAtOnce(t, srcs)
	if n := app.TokenRequests(); n != 2 {
		t.Fatalf("refresh window: %d requests, want 2", n)
	}
	// At expiry (the stored token is past its end): one fetch, and everyone gets the new token.
	clk.Advance(2*time.Hour + time.Minute)
	seen := tokensAtOnce(t, srcs)
	if n := app.TokenRequests(); n != 3 || len(seen) != 1 {
		t.Fatalf("at expiry: %d requests, tokens %v", n, seen)
	}
}

// WeChat rejects a token (here: another party fetched a new one 6 minutes ago, which ended the
// old one); the adapter marks it stale, a new one is fetched and the call succeeds.
func TestRejectedTokenIsReplaced(t *testing.T) {
	_, clients, app, clk := instances(t, 1)
	ctx := context.Background()
	if _, err := clients[0].QRTicket(ctx, "scene-1", 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	// Someone else fetches (the token endpoint ends our token 5 minutes later).
	if _, _, err := clients[0].FetchAccessToken(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(6 * time.Minute)
	before := app.TokenRequests()
	if _, err := clients[0].QRTicket(ctx, "scene-2", 5*time.Minute); err != nil {
		t.Fatalf("after the token was ended: %v", err)
	}
	if n := app.TokenRequests(); n != before+1 {
		t.Fatalf("%d token requests, want %d", n, before+1)
	}
}

func TestWrongSecretIsAnError(t *testing.T) {
	srv, err := wechatfake.Default()
	if err != nil {
		t.Fatal(err)
	}
	ac := wechatfake.NewAppConfig()
	srv.AddApp(ac)
	c, err := serviceaccount.New(serviceaccount.Config{AppID: ac.AppID, AppSecret: "wrong", Token: ac.Token, APIBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.FetchAccessToken(context.Background())
	if serviceaccount.Code(err) != 40125 {
		t.Fatalf("wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("the secret leaks into the error: %v", err)
	}
}
