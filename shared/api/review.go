package api

import "time"

// ReviewStatus is what the 人工审核 page shows: the identity (masked), the applications left
// in this period and the latest application.
type ReviewStatus struct {
	RealNameState string         `json:"real_name_state"`
	Remaining     int            `json:"remaining"`
	DocType       string         `json:"doc_type"`
	DocNumber     string         `json:"doc_number"` // masked
	Name          string         `json:"name"`       // masked
	ValidityTerm  string         `json:"validity_term"`
	ValidFrom     string         `json:"valid_from"`
	ValidUntil    string         `json:"valid_until,omitempty"`
	Latest        *ReviewSummary `json:"latest,omitempty"`
}

// ReviewSummary is one application as its applicant sees it.
type ReviewSummary struct {
	ID          string    `json:"id"`
	State       string    `json:"state"` // pending, approved, rejected
	SubmittedAt time.Time `json:"submitted_at"`
	DueAt       time.Time `json:"due_at"`
	// DueProvisional: the due date was counted before that year's holidays were published.
	DueProvisional bool       `json:"due_provisional,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	Reason         string     `json:"reason,omitempty"` // a rejection's reason
}

// Review form fields (multipart/form-data): the validity, the reason, and one file per photo
// named photo_<kind> (photo_front, photo_back, photo_holding).
const (
	ReviewFieldTerm   = "validity_term"
	ReviewFieldFrom   = "valid_from"
	ReviewFieldUntil  = "valid_until"
	ReviewFieldReason = "reason"
	ReviewPhotoPrefix = "photo_"
)

// ReviewCase is one application as a reviewer sees it.
type ReviewCase struct {
	ID             string         `json:"id"`
	State          string         `json:"state"`
	SubmittedAt    time.Time      `json:"submitted_at"`
	DueAt          time.Time      `json:"due_at"`
	DueProvisional bool           `json:"due_provisional,omitempty"`
	Overdue        bool           `json:"overdue"`
	ClaimedBy      string         `json:"claimed_by,omitempty"`
	LeaseUntil     *time.Time     `json:"lease_until,omitempty"`
	DocType        string         `json:"doc_type"`
	DocNumber      string         `json:"doc_number"` // masked
	Name           string         `json:"name"`
	ValidityTerm   string         `json:"validity_term"`
	ValidFrom      string         `json:"valid_from"`
	ValidUntil     string         `json:"valid_until,omitempty"`
	Reason         string         `json:"reason"`
	Decision       string         `json:"decision_reason,omitempty"`
	DecidedBy      string         `json:"decided_by,omitempty"`
	Account        *ReviewAccount `json:"account,omitempty"`
}

// ReviewAccount is the account's identity now, beside the submitted one.
type ReviewAccount struct {
	DocType       string `json:"doc_type"`
	DocNumber     string `json:"doc_number"`
	Name          string `json:"name"`
	ValidityTerm  string `json:"validity_term"`
	ValidFrom     string `json:"valid_from"`
	ValidUntil    string `json:"valid_until,omitempty"`
	RealNameState string `json:"real_name_state"`
}

// ReviewDecision approves or rejects a claimed case.
type ReviewDecision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"` // required to reject
}

// ReviewStats are the console's figures.
type ReviewStats struct {
	Pending     int     `json:"pending"`
	Overdue     int     `json:"overdue"`
	Decided     int     `json:"decided_30d"`
	MedianHours float64 `json:"median_hours_to_decision"`
	// CalendarMissing is the year (this one, or in November and December the next) whose
	// holiday arrangement is not loaded, so that due dates counted over it are provisional; 0
	// when none is missing.
	CalendarMissing int `json:"calendar_missing,omitempty"`
}

// RejectTemplates are the reviewers' ready reasons (free text may follow or replace them).
var RejectTemplates = []string{
	"照片不清晰，无法识别证件信息",
	"照片存在旋转或镜像反转",
	"提交的信息与证件上的信息不一致",
	"未提供本人手持身份证照片",
	"证件已过有效期",
}
