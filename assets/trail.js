/* 督办's trail of one case (pages/escalations.py): opened by a click on a case in a list, closed
 * by its button, its ×, Esc or a click beside it, without redrawing the page.
 *
 * The page's callbacks all follow its query (the URL read when the page was drawn), and a new URL
 * redraws the page: so a click puts the case into the trail's own store (the page's query and the
 * case), whose callback alone draws the trail, and writes `case` into the address in place
 * (history.replaceState: Dash's router hears pushState and popstate, not this), so that the
 * address copied or bookmarked still opens the trail. A click in a row's tick box selects the row
 * for 下发, never opens its trail.
 */
(function () {
    'use strict';
    var SELECTION_COLUMN = 'ag-Grid-SelectionColumn';  // pages/_escalations_issue.py

    function address(caseId) {
        var url = new URL(window.location.href);
        if (caseId) { url.searchParams.set('case', caseId); } else { url.searchParams.delete('case'); }
        window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }

    function pageQuery(query) {
        var page = Object.assign({}, query || {});
        delete page['case'];
        return page;
    }

    var dc = (window.dash_clientside = window.dash_clientside || {});
    dc.kanban = Object.assign(dc.kanban || {}, {
        // the open list's ticked rows (the line's words) → [their case ids, the line saying how
        // many, the 下发 button disabled] (pages/_escalations_loop.py)
        selection: function (rows, words) {
            var ids = (rows || []).filter(function (r) { return r && r.case_id; })
                .map(function (r) { return String(r.case_id); });
            var w = words || {};
            if (!ids.length) { return [[], w.none || '', true]; }
            return [ids, (w.some || '{n}').replace('{n}', ids.length.toLocaleString('en-US')), false];
        },
        // a list's cellClicked (the page's query) → [the trail's store, the dialog open]
        trailOpen: function (cell, query) {
            var no = dc.no_update;
            var caseId = cell && cell.rowId != null ? String(cell.rowId) : '';
            if (!caseId || cell.colId === SELECTION_COLUMN) { return [no, no]; }
            address(caseId);
            var trail = pageQuery(query);
            trail['case'] = caseId;
            return [trail, true];
        },
        // the close button's n_clicks, the dialog's is_open (the page's query, the trail's store)
        // → [the trail's store, the dialog open]
        trailClose: function (closeClicks, isOpen, query, trail) {
            var no = dc.no_update;
            var triggered = (dc.callback_context.triggered || []).map(function (t) { return t.prop_id; });
            if (triggered.indexOf('escalations-timeline-close.n_clicks') < 0 && isOpen) { return [no, no]; }  // opened
            address(null);
            return [trail && trail['case'] ? pageQuery(query) : no, false];
        }
    });
})();
