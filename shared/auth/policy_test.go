package auth

import (
	"fmt"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

const (
	agsA = "07312000" // the member's municipality
	agsB = "07320000" // another one
)

// matrixEntries are the columns of the permission matrix below.
var matrixEntries = []*wiki.Entry{
	{Municipality: agsA, State: wiki.StateDraft, Visibility: wiki.Internal},
	{Municipality: agsA, State: wiki.StateSubmitted, Visibility: wiki.Public},
	{Municipality: agsA, State: wiki.StateChangesRequested, Visibility: wiki.Public},
	{Municipality: agsA, State: wiki.StatePublished, Visibility: wiki.Internal},
	{Municipality: agsA, State: wiki.StatePublished, Visibility: wiki.Public},
	{Municipality: agsA, State: wiki.StateArchived, Visibility: wiki.Public},
	{Municipality: agsB, State: wiki.StateDraft, Visibility: wiki.Public},
	{Municipality: agsB, State: wiki.StateSubmitted, Visibility: wiki.Internal},
	{Municipality: agsB, State: wiki.StatePublished, Visibility: wiki.Internal},
	{Municipality: agsB, State: wiki.StatePublished, Visibility: wiki.Public},
	{Municipality: agsB, State: wiki.StateArchived, Visibility: wiki.Internal},
}

var (
	visitor     = Visitor
	memberA     = Viewer{&wiki.User{Role: wiki.RoleMember, Municipality: agsA}}
	disabledA   = Viewer{&wiki.User{Role: wiki.RoleMember, Municipality: agsA, Disabled: true}}
	coordinator = Viewer{&wiki.User{Role: wiki.RoleCoordinator}}
)

func TestCanMatrix(t *testing.T) {
	// One row per viewer and action; one character per entry of matrixEntries:
	// 1 = allowed, . = refused.
	//                                        A:  dr sb cr pi pp ar  B:  dr sb pi pp ar
	tests := []struct {
		name   string
		viewer Viewer
		action Action
		want   string
	}{
		{"visitor", visitor, ReadEntry, "....1....1."},
		{"visitor", visitor, ReadHistory, "..........."},
		{"visitor", visitor, SeeContact, "..........."},
		{"visitor", visitor, EditEntry, "..........."},
		{"visitor", visitor, RecordAdoption, "..........."},
		{"visitor", visitor, CreateEntry, "..........."},
		{"disabled member", disabledA, ReadEntry, "....1....1."},
		{"disabled member", disabledA, EditEntry, "..........."},
		{"member", memberA, ReadEntry, "111111..111"},
		{"member", memberA, ReadHistory, "111111..111"},
		{"member", memberA, SeeContact, "111111..111"},
		{"member", memberA, EditEntry, "11111......"},
		{"member", memberA, CreateEntry, "111111....."},
		{"member", memberA, RecordAdoption, "...11...11."},
		{"member", memberA, FeatureEntry, "..........."},
		{"coordinator", coordinator, ReadEntry, "11111111111"},
		{"coordinator", coordinator, EditEntry, "11111111111"},
		{"coordinator", coordinator, SeeContact, "11111111111"},
		{"coordinator", coordinator, FeatureEntry, "11111111111"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.name, tt.action), func(t *testing.T) {
			got := ""
			for _, e := range matrixEntries {
				if Can(tt.viewer, tt.action, e) {
					got += "1"
				} else {
					got += "."
				}
			}
			if got != tt.want {
				t.Errorf("Can(%s, %s) over the matrix = %s, want %s", tt.name, tt.action, got, tt.want)
			}
		})
	}
}

func TestCanWithoutEntry(t *testing.T) {
	for _, a := range []Action{Review, ManageCatalog, ManageUsers, ReadAudit, ReadOutbox, ManageSearchWords} {
		for name, v := range map[string]Viewer{"visitor": visitor, "member": memberA, "disabled": disabledA} {
			if Can(v, a, nil) {
				t.Errorf("Can(%s, %s) = true, want false", name, a)
			}
		}
		if !Can(coordinator, a, nil) {
			t.Errorf("Can(coordinator, %s) = false, want true", a)
		}
	}
	if Can(coordinator, CreateEntry, nil) || Can(memberA, ReadEntry, nil) {
		t.Error("entry actions without an entry must be refused")
	}
}

func TestCanMove(t *testing.T) {
	entry := func(ags string, s wiki.State) *wiki.Entry { return &wiki.Entry{Municipality: ags, State: s} }
	tests := []struct {
		name   string
		viewer Viewer
		e      *wiki.Entry
		to     wiki.State
		want   bool
	}{
		{"member submits own draft", memberA, entry(agsA, wiki.StateDraft), wiki.StateSubmitted, true},
		{"member submits other's draft", memberA, entry(agsB, wiki.StateDraft), wiki.StateSubmitted, false},
		{"member publishes own", memberA, entry(agsA, wiki.StateSubmitted), wiki.StatePublished, false},
		{"member withdraws submission", memberA, entry(agsA, wiki.StateSubmitted), wiki.StateDraft, true},
		{"member resubmits", memberA, entry(agsA, wiki.StateChangesRequested), wiki.StateSubmitted, true},
		{"member archives own", memberA, entry(agsA, wiki.StatePublished), wiki.StateArchived, false},
		{"member restores own", memberA, entry(agsA, wiki.StateArchived), wiki.StatePublished, false},
		{"visitor submits", visitor, entry(agsA, wiki.StateDraft), wiki.StateSubmitted, false},
		{"disabled member submits", disabledA, entry(agsA, wiki.StateDraft), wiki.StateSubmitted, false},
		{"coordinator publishes", coordinator, entry(agsB, wiki.StateSubmitted), wiki.StatePublished, true},
		{"coordinator requests changes", coordinator, entry(agsB, wiki.StateSubmitted), wiki.StateChangesRequested, true},
		{"coordinator archives", coordinator, entry(agsB, wiki.StatePublished), wiki.StateArchived, true},
		{"coordinator restores", coordinator, entry(agsB, wiki.StateArchived), wiki.StatePublished, true},
		{"no draft to published", coordinator, entry(agsB, wiki.StateDraft), wiki.StatePublished, false},
		{"no published to submitted", coordinator, entry(agsB, wiki.StatePublished), wiki.StateSubmitted, false},
		{"no move to same state", coordinator, entry(agsB, wiki.StatePublished), wiki.StatePublished, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanTransition(tt.viewer, tt.e, tt.to); got != tt.want {
				t.Errorf("CanTransition = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListScope(t *testing.T) {
	if s := ListScope(visitor, true); len(s.States) != 1 || len(s.Visibilities) != 1 || s.Visibilities[0] != "public" {
		t.Errorf("visitor scope = %+v, want published and public only", s)
	}
	if s := ListScope(memberA, true); len(s.States) != 2 || len(s.Visibilities) != 0 {
		t.Errorf("member scope with archive = %+v", s)
	}
	if s := ListScope(disabledA, false); len(s.Visibilities) != 1 {
		t.Errorf("disabled member scope = %+v, want a visitor's", s)
	}
}

func TestRequire(t *testing.T) {
	internal := &wiki.Entry{Municipality: agsB, State: wiki.StatePublished, Visibility: wiki.Internal}
	if got := wiki.ErrorCode(Require(visitor, ReadEntry, internal)); got != wiki.ENOTFOUND {
		t.Errorf("visitor reading internal entry: %s, want not_found (no hint that it exists)", got)
	}
	if got := wiki.ErrorCode(Require(memberA, EditEntry, internal)); got != wiki.EFORBIDDEN {
		t.Errorf("member editing other municipality's entry: %s, want forbidden", got)
	}
	if got := wiki.ErrorCode(Require(visitor, Review, nil)); got != wiki.EUNAUTHORIZED {
		t.Errorf("visitor opening the review queue: %s, want unauthorized", got)
	}
	if err := Require(coordinator, EditEntry, internal); err != nil {
		t.Errorf("coordinator editing: %v", err)
	}
}
