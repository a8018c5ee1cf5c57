package wiki

import "github.com/ikone-ds/wissensnetz/shared/text"

// transitions lists, for each workflow state, the states an entry may move to.
var transitions = map[State][]State{
	StateDraft:            {StateSubmitted, StateArchived},
	StateSubmitted:        {StatePublished, StateChangesRequested, StateDraft, StateArchived},
	StateChangesRequested: {StateSubmitted, StateDraft, StateArchived},
	StatePublished:        {StateArchived},
	StateArchived:         {StatePublished, StateDraft},
}

// CanTransition reports whether the workflow allows moving from one state to another; who may
// make the move is the permission policy's business.
func CanTransition(from, to State) bool { return oneOf(to, transitions[from]) }

// NextStates lists the states an entry in state s may move to.
func NextStates(s State) []State { return transitions[s] }

// ActionLabel returns the German name of the move to state to, as on a button.
func ActionLabel(from, to State) string {
	if key := actionKey(from, to); key != "" {
		return text.German.Text(key)
	}
	return to.Label()
}

// actionKey returns the text key of the move from one state to another, "" for none.
func actionKey(from, to State) string {
	switch {
	case to == StateSubmitted && from == StateChangesRequested:
		return "move.resubmit"
	case to == StateSubmitted:
		return "move.submit"
	case to == StatePublished && from == StateArchived:
		return "move.restore"
	case to == StatePublished:
		return "move.publish"
	case to == StateChangesRequested:
		return "move.request_changes"
	case to == StateDraft && from == StateSubmitted:
		return "move.withdraw"
	case to == StateDraft:
		return "move.to_draft"
	case to == StateArchived:
		return "move.archive"
	}
	return ""
}
