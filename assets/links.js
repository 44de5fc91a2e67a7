/* Links inside AG Grid cells (the cell renderer `PageLink`, components/panel.py link_column):
 * a county's, company's or community's profile, a case's trail.
 *
 * A plain click opens the page inside the app, as dcc.Link does (history.pushState and Dash's
 * own `_dashprivate_pushstate` event: no reload); a click with a modifier key, or the middle
 * button, is the browser's own (a new tab). The view's region, period and language are kept
 * where the link names none.
 */
(function () {
    'use strict';
    var KEEP = ['region', 'from', 'to', 'lang'];

    function withView(href) {
        var url = new URL(href, window.location.origin);
        var here = new URLSearchParams(window.location.search);
        KEEP.forEach(function (k) {
            if (!url.searchParams.has(k) && here.get(k)) { url.searchParams.set(k, here.get(k)); }
        });
        return url.pathname + url.search;
    }

    function open(event, href) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        window.history.pushState({}, '', href);
        window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
        window.scrollTo(0, 0);
    }

    var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
    funcs.PageLink = function (props) {
        var field = (props.colDef.cellRendererParams || {}).hrefField || props.hrefField;
        var raw = props.data && field ? props.data[field] : null;
        var text = props.valueFormatted != null ? props.valueFormatted : props.value;
        if (!raw || typeof raw !== 'string' || raw.charAt(0) !== '/' || raw.charAt(1) === '/') { return text; }
        var href = withView(raw);
        return React.createElement('a', {href: href, className: 'grid-link', onClick: function (e) { open(e, href); }}, text);
    };
})();

/* A search result opened (a click, or Enter on a focused result): the navbar's box is emptied
 * and its list closes (components/shell.py search_box; Enter in the box: app.py). */
document.addEventListener('click', function (event) {
    'use strict';
    var item = event.target && event.target.closest ? event.target.closest('.shell-search-item') : null;
    if (!item || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    window.setTimeout(function () {
        window.dash_clientside.set_props('shell-search', {value: ''});
        if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
    }, 0);
}, true);
