package api

// RealNameStatus is what the 实名核验 page shows: the state, the attempts left today and the
// identity that will be checked (the name whole: the confirm dialog repeats it to its owner).
type RealNameStatus struct {
	State      string `json:"state"` // none, verified, review_pending, review_approved
	Remaining  int    `json:"remaining"`
	DocType    string `json:"doc_type"`
	DocNumber  string `json:"doc_number"` // masked
	Name       string `json:"name"`
	ValidFrom  string `json:"valid_from"`
	ValidUntil string `json:"valid_until,omitempty"`
}

// RealNameResult is the outcome of one attempt the authority answered.
type RealNameResult struct {
	Verified  bool `json:"verified"`
	Remaining int  `json:"remaining"`
}

// EntryResponse lets an account into a business entry (认定, 定期注册).
type EntryResponse struct {
	Entry    string `json:"entry"`
	Redirect string `json:"redirect"`
}
