// The dashboard's own plotly.js bundle: only the trace types its charts use (see build.sh).
// dcc.Graph finds window.Plotly defined by assets/vendor/plotly-kanban.min.js and never
// fetches plotly.py's full bundle (4.8 MB, 1.4 MB compressed).
var Plotly = require('plotly.js/lib/core'); // with scatter
var Registry = require('plotly.js/src/registry');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);

// A figure with a trace type left out of this bundle would draw nothing, silently: say it
// loudly instead (the browser tests fail on any console error).
function checked(draw) {
    return function (gd, data) {
        var traces = Array.isArray(data) ? data : (data && data.data) || [];
        traces.forEach(function (trace) {
            if (trace && trace.type && !Registry.modules[trace.type]) {
                console.error('plotly-kanban: trace type "' + trace.type + '" is not in the bundle (scripts/plotly-bundle)');
            }
        });
        return draw.apply(this, arguments);
    };
}
Plotly.newPlot = checked(Plotly.newPlot);
Plotly.react = checked(Plotly.react);

module.exports = Plotly;
