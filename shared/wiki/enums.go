package wiki

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

// Label returns the German name of k.
func (k Kind) Label() string {
	switch k {
	case KindProjectResult:
		return "Projektergebnis"
	case KindLessonsLearned:
		return "Erfahrungsbericht / Lessons Learned"
	case KindSolution:
		return "Lösung"
	case KindGuide:
		return "Leitfaden / Vorlage"
	case KindEvent:
		return "Veranstaltung"
	}
	return string(k)
}

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

// Label returns the German name of s.
func (s ProjectStatus) Label() string {
	switch s {
	case StatusIdea:
		return "Idee"
	case StatusPlanned:
		return "geplant"
	case StatusRunning:
		return "laufend"
	case StatusCompleted:
		return "abgeschlossen"
	case StatusStopped:
		return "eingestellt"
	}
	return string(s)
}

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

// Label returns the German name of v.
func (v Visibility) Label() string {
	switch v {
	case Public:
		return "öffentlich"
	case Internal:
		return "intern"
	}
	return string(v)
}

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

// Label returns the German name of s.
func (s State) Label() string {
	switch s {
	case StateDraft:
		return "Entwurf"
	case StateSubmitted:
		return "Eingereicht"
	case StatePublished:
		return "Veröffentlicht"
	case StateChangesRequested:
		return "Überarbeitung angefordert"
	case StateArchived:
		return "Archiviert"
	}
	return string(s)
}

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
