package wiki

import "github.com/ikone-ds/wissensnetz/shared/text"

// Kind is what an entry describes. The values are the English API identifiers; Label gives
// the German name shown in the UI.
type Kind string

// Kinds of entries.
const (
	KindProjectResult  Kind = "project_result"
	KindLessonsLearned Kind = "lessons_learned"
	KindSolution       Kind = "solution"
	KindGuide          Kind = "guide"
	KindEvent          Kind = "event"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindProjectResult, KindLessonsLearned, KindSolution, KindGuide, KindEvent}

// Label returns the German name of k from the text catalogue; an unknown value is its
// own label.
func (k Kind) Label() string { return label(k.LabelKey(), string(k)) }

// LabelKey returns the key of the name of k in the text catalogue.
func (k Kind) LabelKey() string { return "kind." + string(k) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return oneOf(k, Kinds) }

// ProjectStatus is the state of the project an entry describes.
type ProjectStatus string

// Project states.
const (
	StatusIdea      ProjectStatus = "idea"
	StatusPlanned   ProjectStatus = "planned"
	StatusRunning   ProjectStatus = "running"
	StatusCompleted ProjectStatus = "completed"
	StatusStopped   ProjectStatus = "stopped"
)

// ProjectStatuses lists every project status in display order.
var ProjectStatuses = []ProjectStatus{StatusIdea, StatusPlanned, StatusRunning, StatusCompleted, StatusStopped}

// Label returns the German name of s from the text catalogue; an unknown value is its
// own label.
func (s ProjectStatus) Label() string { return label(s.LabelKey(), string(s)) }

// LabelKey returns the key of the name of s in the text catalogue.
func (s ProjectStatus) LabelKey() string { return "project_status." + string(s) }

// Valid reports whether s is a known project status.
func (s ProjectStatus) Valid() bool { return oneOf(s, ProjectStatuses) }

// Visibility says who may read an entry.
type Visibility string

// Visibilities.
const (
	Public   Visibility = "public"
	Internal Visibility = "internal"
)

// Visibilities lists both visibilities.
var Visibilities = []Visibility{Internal, Public}

// Label returns the German name of v from the text catalogue; an unknown value is its
// own label.
func (v Visibility) Label() string { return label(v.LabelKey(), string(v)) }

// LabelKey returns the key of the name of v in the text catalogue.
func (v Visibility) LabelKey() string { return "visibility." + string(v) }

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return oneOf(v, Visibilities) }

// State is an entry's place in the curation workflow.
type State string

// Workflow states.
const (
	StateDraft            State = "draft"
	StateSubmitted        State = "submitted"
	StatePublished        State = "published"
	StateChangesRequested State = "changes_requested"
	StateArchived         State = "archived"
)

// States lists every workflow state in display order.
var States = []State{StateDraft, StateSubmitted, StateChangesRequested, StatePublished, StateArchived}

// Label returns the German name of s from the text catalogue; an unknown value is its
// own label.
func (s State) Label() string { return label(s.LabelKey(), string(s)) }

// LabelKey returns the key of the name of s in the text catalogue.
func (s State) LabelKey() string { return "state." + string(s) }

// Valid reports whether s is a known state.
func (s State) Valid() bool { return oneOf(s, States) }

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// label returns the German text of key, or value if the catalogue has none.
func label(key, value string) string {
	if text.German.Has(key) {
		return text.German.Text(key)
	}
	return value
}
