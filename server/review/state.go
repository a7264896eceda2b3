package review

// The states of a manual review and the only moves between them, written once. The form being
// filled in the page is the draft: the server stores an application from its submission on.
//
//	draft ──submit──▶ pending ──approve──▶ approved
//	                     └─────reject───▶ rejected
//
// docs/rules.md draws the same machine. The account's real-name state mirrors the application's
// (accountState), and every move of either is one conditional update, so concurrent submissions
// or decisions cannot both win.
const (
	Draft    = "draft"
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

var transitions = map[string][]string{
	Draft:   {Pending},
	Pending: {Approved, Rejected},
}

// CanMove reports whether an application may go from one state to another.
func CanMove(from, to string) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}
