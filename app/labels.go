package app

import (
	"time"

	"jszg/shared/api"
)

// The product's names for API values, as the seed screens write them.

func docTypeLabel(t string) string {
	switch t {
	case api.DocIDCard:
		return "身份证"
	case api.DocResidencePermit:
		return "港澳台居民居住证"
	}
	return t
}

func regionLabel(r string) string {
	switch r {
	case api.RegionHongKong:
		return "香港"
	case api.RegionMacau:
		return "澳门"
	case api.RegionTaiwan:
		return "台湾"
	}
	return r
}

func termLabel(t string) string {
	switch t {
	case api.Term5Years:
		return "5年"
	case api.Term10Years:
		return "10年"
	case api.Term20Years:
		return "20年"
	case api.TermLongTerm:
		return "长期"
	}
	return t
}

// allTerms is the order the validity terms are offered in.
var allTerms = []string{api.Term5Years, api.Term10Years, api.Term20Years, api.TermLongTerm}

// Real-name states of api.Me.
const (
	realNameNone           = "none"
	realNameVerified       = "verified"
	realNameReviewPending  = "review_pending"
	realNameReviewApproved = "review_approved"
)

// realNameHint is the 提示 line of the personal centre for a real-name state (the seed's wording).
func realNameHint(state string) (text string, ok bool) {
	switch state {
	case realNameNone, "":
		return "提示：您还未进行实名核验。", false
	case realNameVerified:
		return "提示：实名核验成功。", true
	case realNameReviewPending:
		return "提示：您已提交人工审核，请耐心等待", false
	case realNameReviewApproved:
		return "提示：人工审核通过，可正常办理业务。如有需要，仍可进行实名核验。", true
	}
	return "", false
}

// chinaTime is China Standard Time. China has no daylight saving, so a fixed zone is exact and
// needs no time zone database in the Wasm binary.
var chinaTime = time.FixedZone("CST", 8*60*60)

// today is the calendar date in China, the "today" the rules are checked against, as on the
// server.
func today() time.Time { return time.Now().In(chinaTime) }
