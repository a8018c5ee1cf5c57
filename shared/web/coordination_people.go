package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// accountApp is the part of the app that manages accounts.
// Each method's errors are those documented on app.App.
type accountApp interface {
	Users(ctx context.Context, actor auth.Viewer) ([]wiki.User, error)
	User(ctx context.Context, actor auth.Viewer, id string) (*wiki.User, error)
	Invite(ctx context.Context, actor auth.Viewer, in app.NewUser) (*wiki.User, error)
	UpdateUser(ctx context.Context, actor auth.Viewer, id string, c app.UserChange) (*wiki.User, error)
}

// peoplePage is the data of the accounts list with the invitation form, and of the page
// that changes one account.
type peoplePage struct {
	People         []person
	Invite         app.NewUser    // the invitation form's input
	User           *wiki.User     // the account being changed
	Change         app.UserChange // the change form's input
	Roles          []wiki.Role
	Municipalities []wiki.Municipality
	Errors         map[string]string
	Message        string
	Notice         string
}

// person is one row of the accounts list.
type person struct {
	User             wiki.User
	MunicipalityName string
	Invited          bool // has not set a password yet
}

// parseInviteForm reads the invitation form.
func parseInviteForm(f url.Values) app.NewUser {
	return app.NewUser{Name: f.Get("name"), Email: f.Get("email"),
		Role: wiki.Role(f.Get("role")), Municipality: f.Get("municipality")}
}

// parseUserChangeForm reads the form that changes an account.
func parseUserChangeForm(f url.Values) app.UserChange {
	return app.UserChange{Name: f.Get("name"), Role: wiki.Role(f.Get("role")),
		Municipality: f.Get("municipality"), Disabled: f.Get("disabled") == "1"}
}

func (s *Server) people(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageUsers) {
		return
	}
	p := &peoplePage{Invite: app.NewUser{Role: wiki.RoleMember}}
	q := r.URL.Query()
	switch {
	case q.Get("eingeladen") != "":
		p.Notice = T("people.invited") + " " + q.Get("eingeladen")
	case q.Get("gespeichert") == "1":
		p.Notice = T("catalog.saved")
	}
	s.renderPeople(w, r, http.StatusOK, p)
}

// renderPeople fills in the accounts and shows the list with the invitation form.
func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, status int, p *peoplePage) {
	users, err := s.accounts.Users(r.Context(), viewerOf(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.catalog.Names()
	for _, u := range users {
		row := person{User: u, Invited: u.PasswordHash == ""}
		if u.Municipality != "" {
			row.MunicipalityName = names.MunicipalityName(u.Municipality)
		}
		p.People = append(p.People, row)
	}
	p.Roles, p.Municipalities = wiki.Roles, s.catalog.Municipalities()
	title := T("people.title")
	if p.Message != "" {
		title = T("error.title") + ": " + title
	}
	s.render(w, r, status, "coord_people", view{Title: title, Nav: "coordination", Data: p})
}

func (s *Server) personInvite(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := parseInviteForm(form)
	u, err := s.accounts.Invite(r.Context(), viewerOf(r), in)
	if code := wiki.ErrorCode(err); code == wiki.EINVALID || code == wiki.ECONFLICT {
		s.renderPeople(w, r, errorStatus(err), &peoplePage{Invite: in, Errors: fieldMessages(err), Message: wiki.ErrorText(catalogue, err)})
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/koordination/personen?"+url.Values{"eingeladen": {u.Email}}.Encode(), http.StatusSeeOther)
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageUsers) {
		return
	}
	u, err := s.accounts.User(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &peoplePage{User: u, Change: app.UserChange{Name: u.Name, Role: u.Role, Municipality: u.Municipality, Disabled: u.Disabled}}
	s.renderPerson(w, r, http.StatusOK, p)
}

func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, p *peoplePage) {
	p.Roles, p.Municipalities = wiki.Roles, s.catalog.Municipalities()
	title := T("person.edit") + ": " + p.User.Name
	if p.Message != "" {
		title = T("error.title") + ": " + title
	}
	s.render(w, r, status, "coord_person", view{Title: title, Nav: "coordination", Data: p})
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx, v := r.Context(), viewerOf(r)
	c := parseUserChangeForm(form)
	_, err = s.accounts.UpdateUser(ctx, v, r.PathValue("id"), c)
	if code := wiki.ErrorCode(err); code == wiki.EINVALID || code == wiki.ECONFLICT {
		u, uerr := s.accounts.User(ctx, v, r.PathValue("id"))
		if uerr != nil {
			s.renderError(w, r, uerr)
			return
		}
		s.renderPerson(w, r, errorStatus(err), &peoplePage{User: u, Change: c, Errors: fieldMessages(err), Message: wiki.ErrorText(catalogue, err)})
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/koordination/personen?gespeichert=1", http.StatusSeeOther)
}

// roleFields is what the role and municipality fields of both forms show.
type roleFields struct {
	Role           wiki.Role
	Municipality   string
	Roles          []wiki.Role
	Municipalities []wiki.Municipality
	Errors         map[string]string
}

// InviteFields returns the role and municipality fields of the invitation form.
func (p *peoplePage) InviteFields() roleFields {
	return roleFields{p.Invite.Role, p.Invite.Municipality, p.Roles, p.Municipalities, p.Errors}
}

// ChangeFields returns the role and municipality fields of the change form.
func (p *peoplePage) ChangeFields() roleFields {
	return roleFields{p.Change.Role, p.Change.Municipality, p.Roles, p.Municipalities, p.Errors}
}
