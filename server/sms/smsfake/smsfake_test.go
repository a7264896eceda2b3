package smsfake

import (
	"net/http"
	"strings"
	"testing"
)

// The worked example of Tencent's "签名方法 v3" documentation: the stand-in must reach the same
// canonical request and signature as Tencent's servers from the same request.
func TestSignatureMatchesTencentExample(t *testing.T) {
	body := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	r, err := http.NewRequest("POST", "https://cvm.tencentcloudapi.com/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	canonical := canonicalRequest(r, []string{"content-type", "host"}, []byte(body))
	wantCanonical := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n" +
		"content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if canonical != wantCanonical {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	got := signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm", "1551113065", canonical)
	if want := "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	for h, ok := range map[string]bool{
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/sms/tc3_request, SignedHeaders=content-type;host, Signature=ab": true,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/sms/tc3_request, SignedHeaders=content-type;host":               false,
		"HMAC-SHA256 Credential=AKID/2019-02-25/sms/tc3_request, SignedHeaders=content-type;host, Signature=ab":     false,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/sms, SignedHeaders=content-type;host, Signature=ab":             false,
		"": false,
	} {
		if _, err := parseAuthorization(h); (err == nil) != ok {
			t.Errorf("%q: err %v, want ok=%v", h, err, ok)
		}
	}
}
