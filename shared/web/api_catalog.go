package web

import (
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func (s *Server) apiMunicipalities(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.catalog.Municipalities()))
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.catalog.Topics()))
}

func (s *Server) apiMunicipalityShow(w http.ResponseWriter, r *http.Request) {
	m, err := s.catalog.Municipality(r.PathValue("ags"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiMunicipalityCreate(w http.ResponseWriter, r *http.Request) {
	s.saveMunicipality(w, r, "")
}

func (s *Server) apiMunicipalityUpdate(w http.ResponseWriter, r *http.Request) {
	s.saveMunicipality(w, r, r.PathValue("ags"))
}

// saveMunicipality creates a municipality (ags "") or changes the one with the given AGS.
func (s *Server) saveMunicipality(w http.ResponseWriter, r *http.Request, ags string) {
	var m wiki.Municipality
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &m)
	}
	if err == nil && ags != "" {
		if m.AGS != "" && m.AGS != ags {
			err = wiki.FieldError(wiki.EINVALID, "ags", "api.ags_mismatch")
		}
		m.AGS = ags
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	saved, err := s.catalogEdit.SaveMunicipality(r.Context(), viewerOf(r), m, ags == "")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	status := http.StatusOK
	if ags == "" {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/municipalities/"+saved.AGS)
	}
	writeJSON(w, status, saved)
}

func (s *Server) apiTopicShow(w http.ResponseWriter, r *http.Request) {
	t, err := s.catalog.Topic(r.PathValue("slug"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiTopicCreate(w http.ResponseWriter, r *http.Request) {
	s.saveTopic(w, r, "")
}

func (s *Server) apiTopicUpdate(w http.ResponseWriter, r *http.Request) {
	s.saveTopic(w, r, r.PathValue("slug"))
}

// saveTopic creates a topic (slug "") or renames the one with the given slug.
func (s *Server) saveTopic(w http.ResponseWriter, r *http.Request, slug string) {
	var t wiki.Topic
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &t)
	}
	if err == nil && slug != "" {
		if t.Slug != "" && t.Slug != slug {
			err = wiki.FieldError(wiki.EINVALID, "slug", "api.slug_mismatch")
		}
		t.Slug = slug
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	saved, err := s.catalogEdit.SaveTopic(r.Context(), viewerOf(r), t, slug == "")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	status := http.StatusOK
	if slug == "" {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/topics/"+saved.Slug)
	}
	writeJSON(w, status, saved)
}
