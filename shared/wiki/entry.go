package wiki

import "time"

// Entry is one Steckbrief: a project result, lesson learned, reusable solution, guide or the
// results of a network event. The JSON form is the one of the API and of exports.
type Entry struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`

	Municipality     string   `json:"municipality"` // AGS of the owning municipality
	Partners         []string `json:"partner_municipalities,omitempty"`
	ExternalPartners []string `json:"external_partners,omitempty"`
	Contact          Contact  `json:"contact"`

	Summary string `json:"summary"`
	Body    string `json:"body"` // Markdown

	Topics        []string      `json:"topics"` // topic slugs
	Tags          []string      `json:"tags,omitempty"`
	ProjectStatus ProjectStatus `json:"project_status"`
	PeriodStart   string        `json:"period_start,omitempty"` // YYYY-MM
	PeriodEnd     string        `json:"period_end,omitempty"`   // YYYY-MM
	Costs         string        `json:"costs,omitempty"`
	Funding       string        `json:"funding,omitempty"`
	Software      []string      `json:"software,omitempty"`
	OpenSourceURL string        `json:"open_source_url,omitempty"`
	Links         []Link        `json:"links,omitempty"`
	Related       []string      `json:"related,omitempty"` // slugs of related entries

	Attachments []Attachment `json:"attachments,omitempty"` // files, in the order shown

	Visibility       Visibility `json:"visibility"`
	State            State      `json:"state"`
	StateComment     string     `json:"state_comment,omitempty"`     // the coordinator's comment on the last workflow decision
	SubmittedBy      string     `json:"submitted_by,omitempty"`      // user id of who last submitted it for review
	Featured         bool       `json:"featured,omitempty"`          // shown on the start page
	PatrolledVersion int        `json:"patrolled_version,omitempty"` // last version a coordinator checked
	Version          int        `json:"version"`
	CreatedAt        time.Time  `json:"created_at"`
	CreatedBy        string     `json:"created_by"`
	UpdatedAt        time.Time  `json:"updated_at"`
	UpdatedBy        string     `json:"updated_by"`
}

// Contact is the contact person of an entry. It is personal data: shown to members only.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
}

// IsZero reports whether no contact data is set.
func (c Contact) IsZero() bool { return c == Contact{} }

// Link is a titled web address.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Year returns the year the project started, from PeriodStart, or 0.
func (e *Entry) Year() int {
	if len(e.PeriodStart) < 4 {
		return 0
	}
	y := 0
	for _, c := range e.PeriodStart[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// Clone returns a deep copy of e.
func (e *Entry) Clone() *Entry {
	c := *e
	c.Partners = cloneSlice(e.Partners)
	c.ExternalPartners = cloneSlice(e.ExternalPartners)
	c.Topics = cloneSlice(e.Topics)
	c.Tags = cloneSlice(e.Tags)
	c.Software = cloneSlice(e.Software)
	c.Links = cloneSlice(e.Links)
	c.Related = cloneSlice(e.Related)
	c.Attachments = cloneSlice(e.Attachments)
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T(nil), s...)
}

// Revision is one saved version of an entry: who saved it, when, why, and the entry as it
// was then.
type Revision struct {
	EntryID string    `json:"entry_id"`
	Version int       `json:"version"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
	Entry   Entry     `json:"entry"`
}

// Municipality is a member of the network, identified by its official key (AGS).
type Municipality struct {
	AGS  string `json:"ags"`
	Name string `json:"name"`
	Type string `json:"type"` // e.g. Stadt, Landkreis, Verbandsgemeinde
	Slug string `json:"slug"`
}

// Topic is one entry of the controlled topic list.
type Topic struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// DemoAuthor is the author of the invented sample entries ("Beispieldaten") that a fresh
// local installation starts with; their pages say so.
const DemoAuthor = "Beispieldaten"
