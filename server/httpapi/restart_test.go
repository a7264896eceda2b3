package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"jszg/server"
	"jszg/server/account"
	"jszg/server/config"
	"jszg/server/store"
	"jszg/server/store/sqlite"
	"jszg/server/testenv"
	"jszg/shared/api"
)

// Stop the product and start it again on its data: the account is there and signs in, on each
// engine. (The earlier embedded engine could not start a second time on its own data.)
func TestRestartKeepsAccounts(t *testing.T) {
	for _, engine := range []string{testenv.SQLite, testenv.MongoDB} {
		t.Run(engine, func(t *testing.T) {
			env := testenv.StartOn(t, engine)
			c := newClient(t, env)
			reg := registration(1, "13812340001")
			if st, e := c.register(reg); e != nil {
				t.Fatalf("register: %d %+v", st, e)
			}
			env = env.Restart()
			env = env.Restart() // twice: a second start on data the first restart left
			c = newClient(t, env)
			if st, e := c.signIn(reg.DocNumber, reg.Password); e != nil {
				t.Fatalf("sign in after restart: %d %+v", st, e)
			}
			var me api.Me
			if st, e := c.do("GET", "/api/me", nil, &me); e != nil || me.DocType != reg.DocType {
				t.Fatalf("me after restart: %d %+v %+v", st, e, me)
			}
			// The number is still taken after the restart.
			c2 := newClient(t, env)
			if _, e := c2.register(registration(1, "13812340002")); e == nil || e.Code != "doc_number_taken" {
				t.Fatalf("second registration of the number after restart: %+v", e)
			}
		})
	}
}

// TestDurabilityChild is the child process of TestKillMidRegistration: it serves the product on
// the data directory it is given until it is killed. It does nothing in a normal run.
func TestDurabilityChild(t *testing.T) {
	dir := os.Getenv("JSZG_DURABILITY_CHILD_DIR")
	if dir == "" {
		t.Skip("only run as the child of TestKillMidRegistration")
	}
	cfg := &config.Config{
		Addr: "127.0.0.1:0", DataDir: dir, WebDir: testenv.WebDir(), CaptchaOff: true,
		TrustedProxies: []string{"127.0.0.1"}, ShutdownTimeout: time.Second,
	}
	srv, err := server.New(context.Background(), cfg, server.Options{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		HashParams: &account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nLISTENING http://%s\n", ln.Addr())
	_ = srv.Serve(context.Background(), ln)
}

// A child process serves registrations under load and is killed with SIGKILL in the middle of
// it. Every registration that was answered 201 is in the store afterwards, complete; no row is
// half written; SQLite's integrity check passes; and the product starts again on the data and
// signs the applicants in.
func TestKillMidRegistration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestDurabilityChild$", "-test.v")
	child.Env = append(os.Environ(), "JSZG_DURABILITY_CHILD_DIR="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	url := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			url = u
			break
		}
	}
	if url == "" {
		t.Fatal("child did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	// Eight applicants at a time, each from its own address (behind the trusted proxy), until
	// the child is killed.
	var mu sync.Mutex
	var acked []api.RegisterRequest
	stop := make(chan struct{})
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 5 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := w*10000 + i
				reg := registration(n, fmt.Sprintf("139%08d", n))
				reg.DocNumber = idNumber(fmt.Sprintf("1990%02d%02d", 1+w, 1+i/1000%28), i)
				if durableRegister(hc, url, fmt.Sprintf("127.0.%d.%d", w, i%250+1), &reg) {
					mu.Lock()
					acked = append(acked, reg)
					mu.Unlock()
				}
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 40 {
		t.Fatalf("only %d registrations acknowledged before the kill", len(acked))
	}

	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := server.UsePersonalDataKeys(context.Background(), store.OnSQLite(db), config.Security{}); err != nil {
		t.Fatal(err)
	}
	for _, reg := range acked {
		a, err := db.Accounts().ByDocNumber(context.Background(), reg.DocNumber)
		if err != nil {
			t.Fatalf("acknowledged registration %s lost: %v", reg.DocNumber, err)
		}
		if a.Phone != reg.Phone || a.Name != reg.Name || a.PasswordHash == "" {
			t.Fatalf("acknowledged registration %s incomplete: %+v", reg.DocNumber, a)
		}
	}
	_ = db.Close()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var total, partial int
	err = raw.QueryRow(`SELECT count(*), count(*) FILTER (WHERE name = '' OR phone = '' OR password_hash = '' OR doc_number = '') FROM accounts`).Scan(&total, &partial)
	_ = raw.Close()
	if err != nil || partial != 0 || total < len(acked) {
		t.Fatalf("accounts %d, partial %d, acknowledged %d, %v", total, partial, len(acked), err)
	}
	t.Logf("%d registrations acknowledged before SIGKILL, %d in the store", len(acked), total)

	env := testenv.StartOn(t, testenv.SQLite, testenv.WithConfig(func(c *config.Config) { c.DataDir = dir }))
	c := newClient(t, env)
	last := acked[len(acked)-1]
	if st, e := c.signIn(last.DocNumber, last.Password); e != nil {
		t.Fatalf("sign in after the kill: %d %+v", st, e)
	}
}

// durableRegister asks for a code, reads it from the outbox and registers; true when the server
// answered 201.
func durableRegister(hc *http.Client, url, addr string, reg *api.RegisterRequest) bool {
	post := func(path string, in any) int {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", url+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", addr)
		resp, err := hc.Do(req)
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if post("/api/codes/sms", api.SendCodeRequest{Phone: reg.Phone, Purpose: api.PurposeRegister, Captcha: "off"}) != http.StatusOK {
		return false
	}
	resp, err := hc.Get(url + "/dev/outbox.json?to=" + reg.Phone)
	if err != nil {
		return false
	}
	var msgs []struct{ Code string }
	err = json.NewDecoder(resp.Body).Decode(&msgs)
	resp.Body.Close()
	if err != nil || len(msgs) == 0 {
		return false
	}
	reg.Code, reg.Captcha = msgs[0].Code, "off"
	return post("/api/register", reg) == http.StatusCreated
}
