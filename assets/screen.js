/* 大屏 /screen: the browser side of pages/screen.py (clientside callbacks).
 *
 * Clock, rotation, the change mark of a headline figure and the offline mark run here, so that
 * the wall needs no server round trip per second and keeps going, on its last data, while the
 * server is away.
 * Figures come from the server sized for 1920×1080; every font, margin and line in them is
 * scaled here by the viewport, so a 3840×2160 wall shows the same picture twice as large.
 */
(function () {
    'use strict';
    var dc = (window.dash_clientside = window.dash_clientside || {});
    var NO = function () { return window.dash_clientside.no_update; };
    var HISTORY_KEEP = 50;
    var PULL_WAIT_MS = 30000;  // a pull unanswered this long is given up

    function pad(n) { return (n < 10 ? '0' : '') + n; }
    // Beijing time whatever the wall's computer is set to (as every time the dashboard shows):
    // a Date shifted by eight hours, read with its UTC getters.
    function beijing(ms) { return new Date(ms + 8 * 3600 * 1000); }
    function hhmm(d) { return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
    function hhmmss(d) { return hhmm(d) + ':' + pad(d.getUTCSeconds()); }

    // Dash records every input change a component makes (each tick of a dcc.Interval) in an
    // undo history, without limit; nothing on the wall undoes, and the wall runs for weeks.
    function trimHistory() {
        var stores = window.dash_stores || [];
        for (var i = 0; i < stores.length; i++) {
            var state = stores[i].getState ? stores[i].getState() : null;
            var past = state && state.history && state.history.past;
            if (Array.isArray(past) && past.length > HISTORY_KEEP) {
                past.splice(0, past.length - HISTORY_KEEP);
            }
        }
    }

    function scale() {
        return Math.min(window.innerWidth / 1920, window.innerHeight / 1080) || 1;
    }

    // A copy of a figure with its fonts, margins, colour bars and lines scaled by k.
    function scaleFigure(fig, k) {
        var out = JSON.parse(JSON.stringify(fig));
        (function walk(o) {
            if (!o || typeof o !== 'object') { return; }
            if (Array.isArray(o)) {
                if (o.length && typeof o[0] === 'object') { o.forEach(walk); }
                return;
            }
            Object.keys(o).forEach(function (key) {
                var v = o[key];
                if (key === 'geojson' || !v || typeof v !== 'object') { return; }
                if (/font$/.test(key) && typeof v.size === 'number') { v.size = Math.round(v.size * k * 10) / 10; }
                if (key === 'margin') {
                    ['l', 'r', 't', 'b'].forEach(function (s) { if (typeof v[s] === 'number') { v[s] *= k; } });
                }
                if (key === 'colorbar' && typeof v.thickness === 'number') { v.thickness *= k; }
                if (key === 'line' && typeof v.width === 'number') { v.width *= k; }
                walk(v);
            });
        })(out);
        return out;
    }

    var cache = {src: null, maps: [], shown: null, pulling: 0};

    function mapsOf(data) {
        if (cache.src !== data) {
            var k = scale();
            cache.src = data;
            cache.maps = (data.maps || []).map(function (m) { return scaleFigure(m.figure, k); });
            cache.shown = null;
        }
        return cache.maps;
    }

    // Headline figures show the server's text at once: a count-up would put on the wall, for a
    // second and a half, numbers that no ledger holds (a leader's photo of the wall could catch
    // one). A figure that changed is marked instead (.screen-kpi-changed, a CSS glow that fades):
    // the number in .screen-kpi-num, the unit (t.suffix, e.g. " 亿元") in .screen-kpi-unit.
    function showFigures(tiles) {
        tiles.forEach(function (t) {
            var el = document.getElementById('screen-kpi-' + t.key + '-value');
            var parts = document.getElementById('screen-kpi-' + t.key + '-parts');
            var tile = document.getElementById('screen-kpi-' + t.key);
            if (parts) { parts.textContent = t.parts || ''; }
            var note = document.getElementById('screen-kpi-' + t.key + '-note');
            if (note) { note.textContent = t.note || ''; note.title = t.source || ''; }
            if (!tile || !el) { return; }
            var num = el.querySelector('.screen-kpi-num');
            var unit = el.querySelector('.screen-kpi-unit');
            if (!num || !unit) { return; }
            var shown = el.dataset.text;
            el.dataset.text = t.text;
            num.textContent = t.text.slice(0, t.text.length - t.suffix.length);
            unit.textContent = t.suffix;
            var cls = 'screen-kpi screen-light-' + t.light;
            if (shown !== undefined && shown !== t.text) {
                // restart the fade: the class off, a reflow, the class on
                tile.className = cls;
                void tile.offsetWidth;
                cls += ' screen-kpi-changed';
            } else if (tile.classList.contains('screen-kpi-changed')) {
                cls += ' screen-kpi-changed';  // a pull with the same figure keeps the fade going
            }
            tile.className = cls;
        });
    }

    dc.screen = {
        clock: function (n, words) {
            trimHistory();
            var w = words || {};
            var d = beijing(Date.now());
            var day = (w.weekdays || [])[d.getUTCDay()] || '';
            var date = w.lang === 'en'
                ? day + ' ' + d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate())
                : d.getUTCFullYear() + '年' + pad(d.getUTCMonth() + 1) + '月' + pad(d.getUTCDate()) + '日 ' + day;
            return [
                {namespace: 'dash_html_components', type: 'Span', props: {className: 'screen-date', children: date}},
                {namespace: 'dash_html_components', type: 'Span', props: {className: 'screen-time', children: hhmmss(d)}}
            ];
        },

        // Asks the server's health route (words.health) with a timeout; {ok, since (offline since, ms), recovered (just back)}.
        health: async function (n, net, words) {
            var prev = net || {ok: true, since: null, recovered: false};
            var w = words || {};
            var ok = false;
            var controller = new AbortController();
            var timer = window.setTimeout(function () { controller.abort(); }, w.timeout || 4000);
            try {
                var response = await fetch(w.health + window.location.search, {cache: 'no-store', signal: controller.signal});
                if (response.status === 401) {  // the session ended (its token revoked): show nothing more
                    window.location.reload();  // the server sends the wall to the login page
                    return NO();
                }
                ok = response.status === 200 && !response.redirected;
            } catch (e) {
                ok = false;
            } finally {
                window.clearTimeout(timer);
            }
            if (ok) {
                return (prev.ok && !prev.recovered) ? NO() : {ok: true, since: null, recovered: !prev.ok};
            }
            return prev.ok ? {ok: false, since: Date.now(), recovered: false} : NO();
        },

        // A data pull on each refresh tick (and at load), but not while the server is away, and
        // not while the last pull is unanswered: Dash drops the answer to a pull overtaken by the
        // next one, so on a slow server overlapping pulls would never land.
        gate: function (n, net) {
            if ((net && net.ok === false) || Date.now() - cache.pulling < PULL_WAIT_MS) { return NO(); }
            cache.pulling = Date.now();
            return cache.pulling;
        },

        // ... and one as soon as it is back.
        recover: function (net) {
            if (!(net && net.ok && net.recovered)) { return NO(); }
            cache.pulling = Date.now();
            return cache.pulling;
        },

        status: function (net, pulled, words) {
            var triggered = (window.dash_clientside.callback_context.triggered || []).map(function (t) { return t.prop_id; });
            if (triggered.indexOf('screen-pulled.data') >= 0) { cache.pulling = 0; }  // the pull was answered
            var w = words || {};
            var offline = '';
            var cls = 'screen-offline';
            if (net && net.ok === false && net.since) {
                offline = (w.offline || '{time}').replace('{time}', hhmm(beijing(net.since)));
                cls += ' screen-offline-on';
            }
            var updated = pulled ? (w.updated || '{time}').replace('{time}', hhmmss(beijing(pulled * 1000))) : '';
            return [offline, cls, updated];
        },

        // The banner when the newest publish is older than the deployment allows (STALE_AFTER_HOURS):
        // checked on every health tick, so it appears on a wall that nobody reloads.
        stale: function (n, data, words) {
            var w = words || {};
            if (!data || !data.published || !w.stale_after) { return ['', 'screen-stale']; }
            var age = Date.now() - data.published;
            if (age <= w.stale_after) { return ['', 'screen-stale']; }
            var text = (w.stale || '').replace('{hours}', Math.floor(age / 3600000)).replace('{time}', data.published_text || '');
            return [text, 'screen-stale screen-stale-on'];
        },

        render: function (data) {
            if (!data) { return [NO(), NO(), NO()]; }
            window.__screenRenders = (window.__screenRenders || 0) + 1;  // read by the memory test
            showFigures(data.kpis || []);
            var k = scale();
            var f = data.figures || {};
            return [f.credit ? scaleFigure(f.credit, k) : NO(), f.stars ? scaleFigure(f.stars, k) : NO(), Date.now()];
        },

        rotate: function (n, data) {
            var outs = window.dash_clientside.callback_context.outputs_list || [];
            var rest = outs.length - 3;
            if (!data) { return outs.map(NO); }
            var i = n || 0;
            var maps = data.maps || [];
            var figures = mapsOf(data);
            var fig = NO(), mapTitle = '', rankTitle = '', slot = -1;
            if (maps.length) {
                var m = maps[i % maps.length];
                var shown = figures[i % maps.length];
                if (shown !== cache.shown) {
                    fig = {data: shown.data, layout: Object.assign({}, shown.layout)};
                    cache.shown = shown;
                }
                mapTitle = m.map_title;
                rankTitle = m.rank_title;
                slot = m.slot;
                var root = document.getElementById('screen-root');
                if (root) { root.dataset.mapKey = m.key; }
            }
            var side = data.side || [];
            var s = side.length ? side[i % side.length] : -1;
            var nRank = data.n_rank || 0;
            var classes = [];
            for (var j = 0; j < rest; j++) {
                var active = j < nRank ? j === slot : (j - nRank) === s;
                classes.push('screen-slide' + (active ? ' screen-active' : ''));
            }
            return [fig, mapTitle, rankTitle].concat(classes);
        }
    };
})();
