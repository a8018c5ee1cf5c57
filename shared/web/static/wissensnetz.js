// Wissensnetz: enhancements for browsers with JavaScript. Every page works without them.
//
// 1. Search boxes offer titles and topics while someone types (WAI-ARIA 1.2 combobox with
//    a listbox; /api/v1/suggest).
// 2. The entry form lists existing entries that look like the one being written
//    (/api/v1/similar), so that nobody writes the same entry twice.
//
// The uploads of the entry form have a script of their own (upload.js), loaded by the form.
//
// German texts come from the page (data-* attributes filled from the message catalogue).
'use strict';

(function () {
  // debounce returns fn delayed until ms have passed without another call.
  function debounce(fn, ms) {
    let timer = 0;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  // latestJSON returns a fetcher of JSON that keeps only the latest request: get(url)
  // aborts the one before and resolves to null when it was replaced or failed; abort()
  // cancels the pending one.
  function latestJSON() {
    let current = null;
    const abort = () => {
      if (current) current.abort();
      current = null;
    };
    const get = async (url) => {
      abort();
      const ctl = new AbortController();
      current = ctl;
      try {
        const resp = await fetch(url, { signal: ctl.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!resp.ok) return null;
        const body = await resp.json();
        return ctl.signal.aborted ? null : body;
      } catch (err) {
        return null; // aborted or offline: the page works on without suggestions
      } finally {
        if (current === ctl) current = null;
      }
    };
    return { get, abort };
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }

  // ---- 1. search box completion ------------------------------------------------------

  const MIN_CHARS = 2;
  const MAX_CHARS = 100; // the API's limit for q

  let comboCount = 0;

  function enhanceSearchBox(input, config) {
    const id = input.id || `suche-${++comboCount}`;
    input.id = id;
    const listId = `${id}-vorschlaege`;

    const wrap = el('div', { class: 'combo' });
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input);
    const list = el('ul', { id: listId, role: 'listbox', class: 'combo-list', 'aria-label': config.label });
    list.hidden = true;
    const status = el('div', { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', class: 'visually-hidden' });
    wrap.append(list, status);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');

    const fetcher = latestJSON();
    const cache = new Map(); // q → suggestions, for this page
    let options = []; // [{el, href}]
    let active = -1;
    let lastQ = null;

    function setActive(i) {
      if (active >= 0 && options[active]) options[active].el.setAttribute('aria-selected', 'false');
      active = i;
      if (active >= 0) {
        const o = options[active];
        o.el.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', o.el.id);
        o.el.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function announce(n) {
      status.textContent = n === 0 ? config.none : n === 1 ? config.one : config.many.replace('{n}', String(n));
    }

    function render(sug) {
      list.replaceChildren();
      options = [];
      active = -1;
      input.removeAttribute('aria-activedescendant');
      const add = (text, href, topic) => {
        const li = el('li', { id: `${listId}-${options.length}`, role: 'option', 'aria-selected': 'false', class: 'combo-option' });
        if (topic) li.append(el('span', { class: 'badge' }, config.topic), ' ');
        li.append(text);
        li.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus in the box
        li.addEventListener('click', () => go(href));
        list.append(li);
        options.push({ el: li, href });
      };
      for (const e of sug.entries || []) add(e.title, `/eintraege/${encodeURIComponent(e.slug)}`, false);
      for (const t of sug.topics || []) add(t.name, `/themen/${encodeURIComponent(t.slug)}`, true);
      announce(options.length);
      if (options.length) open(); else close();
    }

    function go(href) {
      close();
      window.location.assign(href);
    }

    const update = debounce(async () => {
      const q = input.value.trim();
      if (q === lastQ) return;
      lastQ = q;
      if ([...q].length < MIN_CHARS || [...q].length > MAX_CHARS) {
        fetcher.abort();
        options = [];
        list.replaceChildren();
        status.textContent = '';
        close();
        return;
      }
      let sug = cache.get(q);
      if (!sug) {
        sug = await fetcher.get(`${config.url}?q=${encodeURIComponent(q)}`);
        if (!sug) return; // replaced by a newer request, or failed
        cache.set(q, sug);
      }
      if (input.value.trim() !== q) return;
      render(sug);
    }, 150);

    input.addEventListener('input', () => update());
    input.addEventListener('keydown', (e) => {
      switch (e.key) {
        case 'ArrowDown':
          if (!options.length) return;
          e.preventDefault();
          if (list.hidden) open();
          setActive(active + 1 < options.length ? active + 1 : 0);
          break;
        case 'ArrowUp':
          if (!options.length) return;
          e.preventDefault();
          if (list.hidden) open();
          setActive(active > 0 ? active - 1 : options.length - 1);
          break;
        case 'Enter':
          if (!list.hidden && active >= 0) {
            e.preventDefault();
            go(options[active].href);
          }
          break; // otherwise the form is submitted: a full search
        case 'Escape':
          if (!list.hidden) {
            e.preventDefault();
            close();
          }
          break;
        case 'Tab':
          close();
          break;
      }
    });
    input.addEventListener('blur', () => close());
    input.addEventListener('focus', () => { if (options.length && input.value.trim() === lastQ) open(); });
  }

  // ---- 2. similar entries in the entry form ------------------------------------------

  const MIN_TITLE = 8;
  const MAX_TITLE = 200; // the API's limits
  const MAX_SUMMARY = 1000;

  function enhanceEntryForm(box) {
    const form = box.closest('form');
    const title = form && form.querySelector('#f-title');
    const summary = form && form.querySelector('#f-summary');
    if (!title) return;
    const fetcher = latestJSON();
    let shown = ''; // slugs shown, so that the live region speaks only when they change

    function clear() {
      shown = '';
      box.replaceChildren();
    }

    function render(items) {
      const key = items.map((i) => i.slug).join(' ');
      if (key === shown) return;
      shown = key;
      if (!items.length) {
        box.replaceChildren();
        return;
      }
      const ul = el('ul', {});
      for (const it of items) {
        const a = el('a', { href: `/eintraege/${encodeURIComponent(it.slug)}`, target: '_blank', rel: 'noopener' },
          it.title, ' ', el('span', { class: 'visually-hidden' }, box.dataset.newtab));
        const li = el('li', {}, a);
        if (it.summary) li.append(el('span', { class: 'similar-summary' }, it.summary));
        ul.append(li);
      }
      box.replaceChildren(el('div', { class: 'similar-box' },
        el('p', { class: 'similar-heading' }, box.dataset.heading), ul,
        el('p', { class: 'hint' }, box.dataset.note)));
    }

    const update = debounce(async () => {
      const t = title.value.trim();
      if ([...t].length < MIN_TITLE) {
        fetcher.abort();
        clear();
        return;
      }
      const params = new URLSearchParams({ title: [...t].slice(0, MAX_TITLE).join('') });
      const s = summary ? summary.value.trim() : '';
      if (s) params.set('summary', [...s].slice(0, MAX_SUMMARY).join(''));
      if (box.dataset.exclude) params.set('exclude', box.dataset.exclude);
      const res = await fetcher.get(`${box.dataset.similar}?${params}`);
      if (res) render(res.items || []);
    }, 400);

    title.addEventListener('input', update);
    if (summary) summary.addEventListener('input', update);
  }

  function init() {
    const config = document.querySelector('form[data-suggest]');
    if (config && window.fetch && window.AbortController) {
      const c = {
        url: config.dataset.suggest, label: config.dataset.msgLabel, none: config.dataset.msgNone,
        one: config.dataset.msgOne, many: config.dataset.msgMany, topic: config.dataset.msgTopic,
      };
      for (const input of document.querySelectorAll('form[role="search"][action="/suche"] input[type="search"][name="q"]')) {
        enhanceSearchBox(input, c);
      }
    }
    enhanceContent();
  }

  // enhanceContent enhances what the main content holds; again when a script puts new
  // content in its place (static/upload.js shows the form again with its messages).
  function enhanceContent() {
    const box = document.getElementById('f-similar');
    if (box && box.dataset.similar && window.fetch && window.AbortController) enhanceEntryForm(box);
  }

  document.addEventListener('wissensnetz:content', enhanceContent);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
