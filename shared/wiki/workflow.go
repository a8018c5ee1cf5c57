package wiki

// transitions lists, for each workflow state, the states an entry may move to.
var transitions = map[State][]State{
	StateDraft:            {StateSubmitted, StateArchived},
	StateSubmitted:        {StatePublished, StateChangesRequested, StateDraft, StateArchived},
	StateChangesRequested: {StateSubmitted, StateDraft, StateArchived},
	StatePublished:        {StateArchived},
	StateArchived:         {StatePublished, StateDraft},
}

// CanMove reports whether the workflow allows moving from one state to another; who may
// make the move is the permission policy's business.
func CanMove(from, to State) bool { return oneOf(to, transitions[from]) }

// NextStates lists the states an entry in state s may move to.
func NextStates(s State) []State { return transitions[s] }

// ActionLabel returns the German name of the move to state to, as on a button.
func ActionLabel(from, to State) string {
	switch {
	case to == StateSubmitted && from == StateChangesRequested:
		return "Erneut einreichen"
	case to == StateSubmitted:
		return "Zur Prüfung einreichen"
	case to == StatePublished && from == StateArchived:
		return "Wiederherstellen"
	case to == StatePublished:
		return "Veröffentlichen"
	case to == StateChangesRequested:
		return "Überarbeitung anfordern"
	case to == StateDraft && from == StateSubmitted:
		return "Einreichung zurückziehen"
	case to == StateDraft:
		return "Zurück zum Entwurf"
	case to == StateArchived:
		return "Archivieren"
	}
	return to.Label()
}
