// Dash 4's dropdown opens with the focus on its selected option: letters typed there go nowhere,
// and Enter toggles that option off, so a picker with a value (the region) resets on Enter. Here
// typed letters go to the list's search box, and Enter on the option already chosen (the focused
// one, the first one found by the search, or the chosen one when nothing is typed) closes the
// list and keeps it.
(function () {
    function close(target) {
        target.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', code: 'Escape', bubbles: true}));
    }
    document.addEventListener('keydown', function (e) {
        var t = e.target;
        var menu = t && t.closest && t.closest('.dash-dropdown-content');
        if (!menu || e.isComposing) { return; }
        var onOption = t.classList.contains('dash-options-list-option-checkbox');
        if (e.key === 'Enter') {
            var inSearch = t.classList.contains('dash-dropdown-search');
            // in the search box: the first option found, or with nothing typed the one chosen
            var chosen = onOption ? t : (inSearch
                ? menu.querySelector(t.value ? '.dash-options-list-option-checkbox'
                                             : '.dash-options-list-option-checkbox:checked') : null);
            if (chosen && chosen.checked && chosen.type === 'radio') {
                e.preventDefault();
                e.stopPropagation();
                close(t);
            }
            return;
        }
        if (onOption && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
            var search = menu.querySelector('input.dash-dropdown-search');
            if (search) { search.focus(); }  // the key then types into the search box
        }
    }, true);
})();
