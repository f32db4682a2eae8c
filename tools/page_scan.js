// One pass over one document (open shadow roots included): what a person can see and use, as flat records.
//
// Runs inside the page (tools/page_scan.py evaluates it in every frame). Why it is written this way:
// - One walk, one round trip: roles, names, states, boxes and ids come back together, so a 2,500-element page
//   costs one DOM traversal instead of a 500 kB accessibility-tree fetch.
// - Roles and names follow WAI-ARIA / HTML-AAM / accname as Chrome and Playwright's get_by_role apply them, so
//   `link "Orders"` here is the element a screen reader (and a reference solution) calls that.
// - Interactive elements that have no role (script-made clickables: a click listener, an onclick, their own
//   `cursor: pointer`, a tabindex, contenteditable) are printed and named from their text, because that is
//   what a person would click.
// - Ids are attributes on the elements: a printed element keeps its id while it lives, so an id read in one
//   observation still names the same element after the page re-renders around it.
//
// Record: [kind, depth, id, role, name, props, x, y, w, h]; kind 0 = element, 1 = text, 2 = frame (the child
// frame's records are spliced in by Python). Coordinates are CSS pixels in this frame's viewport.
(args) => {
  const ATTR = args.attr;
  const NEXT = 'data-pa-next';
  const MAX_OPTIONS = args.maxOptions;
  const NAME_LIMIT = args.nameLimit;
  const HOOKS = window[Symbol.for('plan-and-act.hooks')];
  const clickables = HOOKS ? HOOKS.clickables : null;
  const root = document.documentElement;
  if (!root) return JSON.stringify({records: [], next: args.start, viewport: [0, 0, 0, 0]});

  // Ids: one counter per page. Python passes the page-wide next id (frames share the scheme); the registry
  // tells a cloned element (cloneNode copies our attribute) from the element that owns the id.
  let next = Math.max(Number(root.getAttribute(NEXT) || '1'), args.start || 1);
  const registryKey = Symbol.for('plan-and-act.ids');
  const registry = window[registryKey] || (window[registryKey] = new Map());
  const seen = new Set();
  const idOf = (el) => {
    let id = Number(el.getAttribute(ATTR));
    const owner = id ? registry.get(id) : undefined;
    if (!id || seen.has(id) || (owner && owner.deref() !== el && owner.deref() && owner.deref().isConnected)) {
      id = next++;
      el.setAttribute(ATTR, String(id));
    }
    if (!owner || owner.deref() !== el) registry.set(id, new WeakRef(el));
    seen.add(id);
    return id;
  };

  const styles = new Map();
  const style = (el) => {
    let s = styles.get(el);
    if (s === undefined) {
      const cs = getComputedStyle(el);
      s = {display: cs.display, visibility: cs.visibility, cursor: cs.cursor};
      styles.set(el, s);
    }
    return s;
  };
  const boxes = new Map();
  const box = (el) => {
    let b = boxes.get(el);
    if (b === undefined) {
      const r = el.getBoundingClientRect();
      b = [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
      boxes.set(el, b);
    }
    return b;
  };

  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'TITLE', 'BASE']);
  const INLINE = new Set(['inline', 'contents']);
  const VALID_ROLES = new Set(('alert alertdialog application article banner blockquote button caption cell checkbox ' +
    'code columnheader combobox complementary contentinfo definition deletion dialog directory document emphasis ' +
    'feed figure form generic grid gridcell group heading img image insertion link list listbox listitem log main ' +
    'mark marquee math meter menu menubar menuitem menuitemcheckbox menuitemradio navigation none note option ' +
    'paragraph presentation progressbar radio radiogroup region row rowgroup rowheader scrollbar search searchbox ' +
    'separator slider spinbutton status strong subscript superscript switch tab table tablist tabpanel term ' +
    'textbox time timer toolbar tooltip tree treegrid treeitem').split(' '));
  // Roles whose elements are always printed (a person acts on them or reads them as units).
  const INTERACTIVE = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio',
    'switch', 'slider', 'spinbutton', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option',
    'treeitem', 'gridcell', 'scrollbar']);
  const PRINTED = new Set(['heading', 'cell', 'columnheader', 'rowheader', 'row', 'status', 'alert', 'alertdialog',
    'dialog', 'log', 'timer', 'tooltip', 'progressbar', 'meter', 'math', 'iframe']);
  // Roles printed as one line whose content is their value (no child lines).
  const LEAF = new Set(['textbox', 'searchbox', 'spinbutton', 'slider', 'img', 'image', 'progressbar', 'meter',
    'separator', 'scrollbar']);
  const NAME_FROM_CONTENT = new Set(['button', 'cell', 'checkbox', 'columnheader', 'gridcell', 'heading', 'link',
    'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio', 'rowheader', 'switch', 'tab',
    'tooltip', 'treeitem']);
  const NO_NAME = new Set(['caption', 'code', 'definition', 'deletion', 'emphasis', 'generic', 'insertion', 'mark',
    'paragraph', 'presentation', 'none', 'strong', 'subscript', 'superscript', 'term', 'time']);
  const LANDMARK_SCOPE = new Set(['ARTICLE', 'ASIDE', 'MAIN', 'NAV', 'SECTION']);
  const TEXT_INPUTS = new Set(['email', 'search', 'tel', 'text', 'url', '']);
  const DATE_INPUTS = new Set(['date', 'time', 'datetime-local', 'month', 'week']);
  const INPUT_ROLES = {button: 'button', image: 'button', reset: 'button', submit: 'button', file: 'button',
    checkbox: 'checkbox', radio: 'radio', range: 'slider', number: 'spinbutton'};

  const flat = (s) => (s || '').replace(/[\u200b\u00ad]/g, '').replace(/\s+/g, ' ').trim();
  const clip = (s) => (s.length > NAME_LIMIT ? s.slice(0, NAME_LIMIT - 1) + '…' : s);
  const byIds = (el, refs) => {
    const scope = el.getRootNode();
    const found = [];
    for (const ref of (refs || '').split(/\s+/)) {
      const target = ref && scope.getElementById ? scope.getElementById(ref) : null;
      if (target) found.push(target);
    }
    return found;
  };
  // Children as rendered: a shadow host shows its shadow tree, a slot shows what is assigned to it.
  const kids = (node) => {
    if (node.shadowRoot) return node.shadowRoot.childNodes;
    if (node.tagName === 'SLOT') {
      const assigned = node.assignedNodes();
      if (assigned.length) return assigned;
    }
    return node.childNodes;
  };

  const explicitRole = (el) => {
    const attr = el.getAttribute('role');
    if (!attr) return null;
    for (const r of attr.toLowerCase().split(/\s+/)) if (VALID_ROLES.has(r)) return r;
    return null;
  };
  const implicitRole = (el, ctx) => {
    const tag = el.tagName;
    switch (tag) {
      case 'A': case 'AREA': return el.hasAttribute('href') ? 'link' : null;
      case 'BUTTON': return 'button';
      case 'INPUT': {
        const type = (el.getAttribute('type') || '').toLowerCase();
        if (type === 'hidden') return null;
        if (TEXT_INPUTS.has(type)) {
          if (el.list) return 'combobox';
          return type === 'search' ? 'searchbox' : 'textbox';
        }
        return INPUT_ROLES[type] || 'textbox';
      }
      case 'TEXTAREA': return 'textbox';
      case 'SELECT': return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
      case 'OPTION': return 'option';
      case 'H1': case 'H2': case 'H3': case 'H4': case 'H5': case 'H6': return 'heading';
      case 'IMG': return (el.getAttribute('alt') === '' && !el.getAttribute('title')) ? 'presentation' : 'img';
      case 'SVG': case 'svg': return 'img';
      case 'NAV': return 'navigation';
      case 'MAIN': return 'main';
      case 'ASIDE': return 'complementary';
      case 'ARTICLE': return 'article';
      case 'HEADER': return ctx.inSection ? null : 'banner';
      case 'FOOTER': return ctx.inSection ? null : 'contentinfo';
      case 'FORM': return (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) ? 'form' : null;
      case 'SECTION': return (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) ? 'region' : null;
      case 'SEARCH': return 'search';
      case 'DIALOG': return 'dialog';
      case 'UL': case 'OL': case 'MENU': return 'list';
      case 'LI': return 'listitem';
      case 'TABLE': return 'table';
      case 'TR': return 'row';
      case 'TD': return ctx.inGrid ? 'gridcell' : 'cell';
      case 'TH': {
        const scope = (el.getAttribute('scope') || '').toLowerCase();
        if (scope === 'col' || scope === 'colgroup') return 'columnheader';
        if (scope === 'row' || scope === 'rowgroup') return 'rowheader';
        if (ctx.inHead) return 'columnheader';
        const row = el.parentElement;
        if (row && row.querySelector(':scope > td')) return 'rowheader';
        return 'columnheader';
      }
      case 'THEAD': case 'TBODY': case 'TFOOT': return 'rowgroup';
      case 'P': return 'paragraph';
      case 'HR': return 'separator';
      case 'PROGRESS': return 'progressbar';
      case 'METER': return 'meter';
      case 'OUTPUT': return 'status';
      case 'FIELDSET': case 'DETAILS': case 'OPTGROUP': return 'group';
      case 'FIGURE': return 'figure';
      case 'BLOCKQUOTE': return 'blockquote';
      case 'DT': case 'DFN': return 'term';
      case 'DD': return 'definition';
      case 'IFRAME': case 'FRAME': return 'iframe';
      case 'MATH': return 'math';
      case 'STRONG': case 'B': return 'strong';
      case 'EM': case 'I': return 'emphasis';
      case 'CODE': return 'code';
      case 'SUMMARY': return 'button';  // a disclosure toggle, exposed by browsers as a button
      default: return null;
    }
  };
  const focusable = (el) => el.hasAttribute('tabindex') || (el.tagName === 'A' && el.hasAttribute('href')) ||
    ['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
  const roleOf = (el, ctx) => {
    const explicit = explicitRole(el);
    if (explicit === 'none' || explicit === 'presentation') {
      // Presentational role conflict: a focusable or labelled element keeps its own role.
      if (focusable(el) || el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) return implicitRole(el, ctx);
      return 'none';
    }
    return explicit || implicitRole(el, ctx);
  };

  // The text an element contributes to a name computed from content (accname's step 2F, simplified).
  const contentText = (node, depth, self) => {
    if (node.nodeType === 3) return node.data;
    if (node.nodeType !== 1 || depth > 40 || SKIP.has(node.tagName) || node === self) return '';
    const el = node;
    const st = style(el);
    if (st.display === 'none' || el.getAttribute('aria-hidden') === 'true') return '';
    if (st.visibility !== 'visible') {
      let hiddenText = '';
      for (const child of kids(el)) if (child.nodeType === 1) hiddenText += contentText(child, depth + 1, self);
      return hiddenText;
    }
    const label = el.getAttribute('aria-label');
    let text;
    if (label && label.trim()) text = label;
    else if (el.tagName === 'IMG' || el.tagName === 'AREA') text = el.getAttribute('alt') || el.getAttribute('title') || '';
    else if (el.tagName === 'INPUT') {
      const type = (el.type || '').toLowerCase();
      text = ['button', 'submit', 'reset'].includes(type) ? el.value : (type === 'checkbox' || type === 'radio' ? '' : el.value);
    } else if (el.tagName === 'TEXTAREA') text = el.value;
    else if (el.tagName === 'SELECT') text = el.selectedOptions.length ? el.selectedOptions[0].text : '';
    else if (el.tagName === 'svg' || el.tagName === 'SVG') {
      const title = el.querySelector('title');
      text = title ? title.textContent : '';
    } else {
      text = '';
      for (const child of kids(el)) text += contentText(child, depth + 1, self);
      if (!text.trim() && el.getAttribute('title')) text = el.getAttribute('title');
    }
    if (el.tagName === 'BR') return ' ';
    return INLINE.has(st.display) ? text : ' ' + text + ' ';
  };
  const textOfRefs = (els) => els.map((el) => flat(el.getAttribute('aria-label') || contentText(el, 0) || el.textContent)).join(' ');

  // Labels whose text is already a control's name: their text is not printed again.
  const usedLabels = new Set();
  const nameOf = (el, role) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const refs = byIds(el, labelledBy);
      const text = flat(textOfRefs(refs));
      if (text) { refs.forEach((r) => usedLabels.add(r)); return [text, false]; }
    }
    const aria = flat(el.getAttribute('aria-label'));
    if (aria) return [aria, false];
    const tag = el.tagName;
    if (tag === 'INPUT') {
      const type = (el.type || '').toLowerCase();
      if (['button', 'submit', 'reset'].includes(type)) {
        return [flat(el.value) || (type === 'submit' ? 'Submit' : type === 'reset' ? 'Reset' : flat(el.title)), false];
      }
      if (type === 'image') return [flat(el.alt) || flat(el.title) || 'Submit', false];
    }
    if (['INPUT', 'TEXTAREA', 'SELECT', 'METER', 'PROGRESS', 'OUTPUT', 'BUTTON'].includes(tag) && el.labels && el.labels.length) {
      const text = flat([...el.labels].map((l) => contentText(l, 0, el)).join(' '));
      if (text) { [...el.labels].forEach((l) => usedLabels.add(l)); return [text, false]; }
    }
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag)) {
      return [flat(el.getAttribute('title')) || flat(el.getAttribute('placeholder')), false];
    }
    if (tag === 'IMG' || tag === 'AREA') return [flat(el.getAttribute('alt')) || flat(el.getAttribute('title')), false];
    if (tag === 'FIELDSET' || tag === 'FIGURE' || tag === 'TABLE') {
      const caption = el.querySelector(tag === 'FIELDSET' ? ':scope > legend' : tag === 'FIGURE' ? ':scope > figcaption' : ':scope > caption');
      if (caption) return [flat(contentText(caption, 0)), false];
    }
    if (tag === 'svg' || tag === 'SVG') {
      const title = el.querySelector(':scope > title');
      return [title ? flat(title.textContent) : '', false];
    }
    if (NAME_FROM_CONTENT.has(role)) {
      const text = flat(contentText(el, 0));
      if (text) return [text, true];
    }
    return [flat(el.getAttribute('title')), false];
  };

  // Interactive without a role: a click listener (seen by the hooks script), an onclick, a pointer cursor the
  // element sets itself (not inherited from a parent), a tabindex, or contenteditable.
  const scriptInteractive = (el, st, parentCursor) => {
    if (el === document.body || el === root) return null;
    if (clickables && clickables.has(el)) return 'clickable';
    if (el.onclick !== null || el.onmousedown !== null || el.hasAttribute('onclick')) return 'clickable';
    if (st.cursor === 'pointer' && parentCursor !== 'pointer' && !(el.tagName === 'LABEL' && el.control)) return 'clickable';
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) return 'editable';
    if (el.hasAttribute('tabindex') && el.tabIndex >= 0) return 'focusable';
    return null;
  };

  const active = document.activeElement;
  const records = [];
  let pending = [];  // text parts waiting to become one StaticText line
  let pendingBox = null;
  let pendingDepth = 0;
  let pendingOwner = null;

  const flush = () => {
    if (!pending.length) return;
    const text = flat(pending.join(''));
    pending = [];
    const owner = pendingOwner;
    if (!text || (owner && owner.fromContent && owner.name.includes(text))) return;
    if (owner && owner.name === text) return;
    const b = pendingBox || [0, 0, 0, 0];
    records.push([1, pendingDepth, null, 'StaticText', clip(text), null, b[0], b[1], b[2], b[3]]);
  };

  const props = (el, role, shownRole, kind) => {
    const p = {};
    const tag = el.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA') {
      const type = (el.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        if (el.indeterminate) p.checked = 'mixed'; else if (el.checked) p.checked = 'true';
      } else if (type === 'password') {
        if (el.value) p.password = el.value.length;
      } else if (!['button', 'submit', 'reset', 'image', 'file'].includes(type)) {
        if (el.value) p.value = el.value;
        if (DATE_INPUTS.has(type)) p.type = type;
      }
      if (el.readOnly) p.readonly = true;
      if (el.required) p.required = true;
    } else if (tag === 'SELECT') {
      const chosen = el.selectedOptions;
      if (chosen.length && !el.multiple) p.value = chosen[0].label || chosen[0].text;
      if (el.required) p.required = true;
    } else if (tag === 'OPTION') {
      if (el.selected) p.selected = true;
    } else if (kind === 'editable' || (role === 'textbox' && el.isContentEditable)) {
      const text = flat(el.innerText);
      if (text) p.value = text;
    } else if (tag === 'PROGRESS' || tag === 'METER') {
      p.value = String(el.value);
    }
    const checked = el.getAttribute('aria-checked');
    if (checked && checked !== 'false' && !p.checked) p.checked = checked === 'mixed' ? 'mixed' : 'true';
    if (el.getAttribute('aria-selected') === 'true') p.selected = true;
    const expanded = el.getAttribute('aria-expanded');
    if (expanded === 'true') p.expanded = true;
    else if (expanded === 'false' && role !== 'combobox') p.expanded = false;
    if (tag === 'SUMMARY' && el.parentElement && el.parentElement.tagName === 'DETAILS') p.expanded = el.parentElement.open;
    const pressed = el.getAttribute('aria-pressed');
    if (pressed === 'true' || pressed === 'mixed') p.pressed = pressed;
    if (el.disabled === true || el.getAttribute('aria-disabled') === 'true') p.disabled = true;
    if (el.getAttribute('aria-required') === 'true') p.required = true;
    if (role === 'slider' || role === 'spinbutton' || role === 'progressbar' || role === 'meter') {
      const now = el.getAttribute('aria-valuetext') || el.getAttribute('aria-valuenow');
      if (now && !p.value) p.value = now;
    }
    if (role === 'link') {
      const href = el.getAttribute('href');
      if (href && !/^\s*(#|javascript:)/i.test(href)) p.url = typeof el.href === 'string' ? el.href : href;
    }
    if (el === active && el !== document.body) p.focused = true;
    if (kind === 'clickable' && shownRole !== 'clickable' && !INTERACTIVE.has(role)) p.clickable = true;
    return p;
  };

  const emitOptions = (select, depth) => {
    const options = select.options;
    const count = Math.min(options.length, MAX_OPTIONS);
    for (let i = 0; i < count; i++) {
      const option = options[i];
      const b = box(select);
      records.push([0, depth, idOf(option), 'option', clip(flat(option.label || option.text)),
        option.selected ? {selected: true} : null, b[0], b[1], b[2], b[3]]);
    }
    if (options.length > MAX_OPTIONS) {
      records.push([1, depth, null, 'more', `… ${options.length - MAX_OPTIONS} more options`, null, 0, 0, 0, 0]);
    }
  };

  // ctx: {depth, owner: {name, fromContent} | null, inSection, inGrid, inHead, cursor, labelText}
  const visit = (node, ctx) => {
    if (node.nodeType === 3) {
      if (ctx.hiddenText || ctx.labelText) return;
      const data = node.data;
      if (!data) return;
      if (!pending.length) {
        pendingDepth = ctx.depth;
        pendingOwner = ctx.owner;
        const parent = node.parentElement;
        pendingBox = parent ? box(parent) : null;
      }
      pending.push(data);
      return;
    }
    if (node.nodeType !== 1) {
      if (node.nodeType === 11) for (const child of node.childNodes) visit(child, ctx);
      return;
    }
    const el = node;
    const tag = el.tagName;
    if (SKIP.has(tag)) return;
    const st = style(el);
    if (st.display === 'none' && tag !== 'SLOT') return;
    if (el.getAttribute('aria-hidden') === 'true' || el.inert) return;
    if (tag === 'BR') { flush(); return; }
    const visible = st.visibility === 'visible';
    const role = roleOf(el, ctx);
    const kind = (visible && !INTERACTIVE.has(role)) ? scriptInteractive(el, st, ctx.cursor) : null;
    const hasName = el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
    let printed = visible && role !== 'none' && (INTERACTIVE.has(role) || PRINTED.has(role) || kind !== null ||
      (role === 'img' && (tag !== 'svg' || hasName || el.querySelector(':scope > title'))) ||
      (hasName && !NO_NAME.has(role || 'generic')) ||
      (role && ['group', 'figure', 'table'].includes(role) && tag !== 'DETAILS' && tag !== 'OPTGROUP'));
    const block = !INLINE.has(st.display);
    const child = {
      depth: ctx.depth, owner: ctx.owner, cursor: st.cursor,
      inSection: ctx.inSection || LANDMARK_SCOPE.has(tag), inGrid: ctx.inGrid, inHead: ctx.inHead || tag === 'THEAD',
      hiddenText: !visible, labelText: ctx.labelText,
    };
    if (tag === 'TABLE') child.inGrid = ['grid', 'treegrid'].includes(explicitRole(el) || '');
    if (tag === 'LABEL' && el.control && !el.control.hasAttribute('aria-label') && !el.control.hasAttribute('aria-labelledby')) {
      child.labelText = true;  // this text is the name of the control it labels
    }
    if (usedLabels.has(el)) child.labelText = true;
    if (printed) {
      let name, fromContent;
      if (kind === 'clickable' || kind === 'focusable' || kind === 'editable') {
        [name, fromContent] = nameOf(el, role);
        if (!name && kind !== 'editable') { name = flat(contentText(el, 0)); fromContent = !!name; }
      } else {
        [name, fromContent] = NO_NAME.has(role) ? ['', false] : nameOf(el, role);
      }
      if (!name && ['group', 'figure', 'table'].includes(role) && !kind) printed = false;
      else if (role === 'img' && !name && !kind) printed = false;
      if (printed) {
        flush();
        let shownRole = role || 'generic';
        if (kind === 'editable') shownRole = 'textbox';
        else if (kind && (!role || role === 'generic' || NO_NAME.has(role))) shownRole = kind === 'focusable' ? 'focusable' : 'clickable';
        if (shownRole === 'img') shownRole = 'image';
        const b = box(el);
        const id = idOf(el);
        const p = props(el, role, shownRole, kind);
        const isFrame = tag === 'IFRAME' || tag === 'FRAME';
        records.push([isFrame ? 2 : 0, ctx.depth, id, shownRole, clip(name), Object.keys(p).length ? p : null,
          b[0], b[1], b[2], b[3]]);
        if (isFrame) return;
        if (tag === 'SELECT') { emitOptions(el, ctx.depth + 1); return; }
        if (LEAF.has(shownRole) || kind === 'editable' || tag === 'svg') return;
        child.depth = ctx.depth + 1;
        child.owner = {name, fromContent};
        for (const c of kids(el)) visit(c, child);
        flush();
        return;
      }
    }
    if (block) flush();
    for (const c of kids(el)) visit(c, child);
    if (block) flush();
  };

  // Elements that name a control through aria-labelledby: their text is printed as that control's name.
  for (const labelled of document.querySelectorAll('[aria-labelledby]')) {
    for (const ref of byIds(labelled, labelled.getAttribute('aria-labelledby'))) usedLabels.add(ref);
  }
  const body = document.body || root;
  visit(body, {depth: 0, owner: null, inSection: false, inGrid: false, inHead: false, cursor: 'auto',
               hiddenText: false, labelText: false});
  flush();
  root.setAttribute(NEXT, String(next));
  // One string, not a structure: Playwright's value serializer walks every element of every record.
  return JSON.stringify({records, next, title: document.title,
                         viewport: [window.scrollX, window.scrollY, window.innerWidth, window.innerHeight]});
}
