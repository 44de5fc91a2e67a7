// Keys in Dash 4's dropdown (dash==4.4.1, dcc/async-dropdown.js), as a clerk presses them:
//
// - The list opens with the focus on its selected option: letters typed there went nowhere, and
//   Enter toggled that option off, so a picker with a value (the region) reset on Enter. Here
//   letters typed on an option go to the list's search box, and Enter on the option already
//   chosen (the focused one, the first one found by the search, or the chosen one when nothing
//   is typed) closes the list and keeps it. Enter on another option takes it only when the clerk
//   moved there (arrow keys, the pointer): the focus passes through the first option as the list
//   opens, and Enter at once took 太原市.
// - The list takes about a tenth of a second to open after the click, the focus passing from the
//   button through an option (sometimes through no element at all) to the search box. The
//   dropdown takes a letter typed on its button when the key comes up; a key that came up after
//   the focus had moved on was lost ("ycq" became "q"). A letter pressed on the button of an open
//   list, or on no element while a list is open, now goes to the search box at once when it is
//   there; on the button before it is there, it is kept and handed to the search box when that
//   takes the focus.
// - The dropdown takes the first option found when Enter comes up in the search box; the list
//   filters a moment after the last key, so Enter at once took the first option of the text
//   before ("yc": 阳城县 for "ycq"). That Enter is held until the list has been still for a tenth
//   of a second.
(function () {
    var pending = '';         // letters typed on the button while its list opens
    var pendingEnter = false;  // and an Enter after them
    var forget = null;
    var swallowUp = {};        // keys kept here: their keyup on the button must not type them again
    var moved = false;         // the clerk moved through the open list (arrow keys, the pointer)
    var MOVES = ['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'PageUp'];

    function close(target) {
        target.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', code: 'Escape', bubbles: true}));
    }
    // Enter keeps the chosen option: the key goes no further and the list closes; `swallow`, when
    // its keyup will reach the dropdown (whose Enter on the button opens the list again)
    function keep(e, swallow) {
        e.preventDefault();
        e.stopPropagation();
        if (swallow) { swallowUp.Enter = true; }
        close(e.target);
    }
    function searchBox() {
        return document.querySelector('.dash-dropdown-content input.dash-dropdown-search');
    }
    function printable(e) {
        return e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
    }
    // text added to the search box as if typed (React reads the value through its own setter)
    function typeInto(input, text) {
        var set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        set.call(input, input.value + text);
        input.dispatchEvent(new Event('input', {bubbles: true}));
    }
    // `then` once `node` has not changed for 100 ms (at most 800 ms)
    function whenStill(node, then) {
        var quiet = null, done = false, observer = null;
        function fire() { if (!done) { done = true; observer.disconnect(); then(); } }
        observer = new MutationObserver(function () { clearTimeout(quiet); quiet = setTimeout(fire, 100); });
        observer.observe(node, {subtree: true, childList: true, characterData: true, attributes: true});
        quiet = setTimeout(fire, 100);
        setTimeout(fire, 800);
    }
    // Enter in the search box, once the list shows what the text finds: the chosen option first
    // closes the list and keeps it; another is taken by the dropdown's own Enter
    function choose(search) {
        var menu = search.closest('.dash-dropdown-content');
        if (!menu) { return; }
        whenStill(menu, function () {
            var first = menu.querySelector('.dash-options-list-option-checkbox');
            if (first && first.checked && first.type === 'radio') { close(search); return; }
            search.dispatchEvent(new KeyboardEvent('keyup', {key: 'Enter', code: 'Enter', bubbles: true}));
        });
    }
    // the kept keys, once the search box has the focus
    function handOver(search) {
        var text = pending, withEnter = pendingEnter;
        pending = '';  // first: typing re-renders the list, which may focus the box again
        pendingEnter = false;
        if (text) { typeInto(search, text); }
        if (withEnter) { choose(search); }
    }

    // a list opening: nothing moved through yet
    document.addEventListener('pointerdown', function (e) {
        if (e.target.closest && e.target.closest('button.dash-dropdown')) { moved = false; }
    }, true);
    document.addEventListener('pointermove', function (e) {
        if (e.target.closest && e.target.closest('.dash-dropdown-content .dash-dropdown-option')) { moved = true; }
    }, true);

    document.addEventListener('focusin', function (e) {
        var t = e.target;
        if ((pending || pendingEnter) && t.classList && t.classList.contains('dash-dropdown-search')) { handOver(t); }
    }, true);

    document.addEventListener('keyup', function (e) {
        var t = e.target;
        if (!t || !t.classList) { return; }
        if (swallowUp[e.key] && t.closest && (t.classList.contains('dash-dropdown') || t.closest('.dash-dropdown-content'))) {
            delete swallowUp[e.key];
            e.stopPropagation();  // kept here, handed over already or soon
            return;
        }
        if (e.key === 'Enter' && e.isTrusted && t.classList.contains('dash-dropdown-search') && t.value) {
            e.stopPropagation();  // taken in `choose`, when the list is still
        }
    }, true);

    document.addEventListener('keydown', function (e) {
        var t = e.target;
        if (e.isComposing || !t || !t.closest) { return; }
        // the button of a list that is open or opening, or no element at all while a list is open
        // (the option that had the focus was drawn anew as the list filtered)
        var opening = t.classList.contains('dash-dropdown') && t.getAttribute('aria-expanded') === 'true';
        if (opening || (t === document.body && document.querySelector('.dash-dropdown-content'))) {
            if (!printable(e) && e.key !== 'Enter') { return; }
            var search = searchBox();
            if (search && !pending && !pendingEnter) {
                if (e.key === 'Enter' && !search.value) {
                    keep(e, opening);  // nothing typed: the chosen option stays
                    return;
                }
                search.focus();  // the key goes on to the search box, typed by the browser
                if (e.key === 'Enter') { e.preventDefault(); choose(search); }
                return;
            }
            if (!opening) { return; }
            // the search box is not there yet: kept, and handed over when it takes the focus
            if (e.key === 'Enter' && !pending) {
                keep(e, true);
                return;
            }
            e.preventDefault();
            e.stopPropagation();
            swallowUp[e.key] = true;
            if (e.key === 'Enter') { pendingEnter = true; } else { pending += e.key; }
            clearTimeout(forget);  // a list with no search box: the keys are not kept for another
            forget = setTimeout(function () { pending = ''; pendingEnter = false; swallowUp = {}; }, 1500);
            return;
        }
        if (t.classList.contains('dash-dropdown')) { moved = false; }  // a list opened by a key
        var menu = t.closest('.dash-dropdown-content');
        if (!menu) { return; }
        if (MOVES.indexOf(e.key) >= 0) { moved = true; }
        var onOption = t.classList.contains('dash-options-list-option-checkbox');
        var inSearch = t.classList.contains('dash-dropdown-search');
        if (e.key === 'Enter' && inSearch && t.value) {
            e.preventDefault();
            if (e.isTrusted) { choose(t); }  // its keyup is held (above)
            return;
        }
        if (e.key === 'Enter') {
            if (!onOption && !inSearch) { return; }
            // on an option, or in the search box with nothing typed: the chosen option stays. An
            // option the focus only passed through as the list opened (the first, before the list
            // moves it to the chosen one) is not taken: only one the clerk moved to
            var chosen = onOption && moved ? t : menu.querySelector('.dash-options-list-option-checkbox:checked');
            if (chosen && chosen.checked && chosen.type === 'radio') { keep(e, true); }
            return;
        }
        if (onOption && printable(e)) {
            var box = searchBox();
            if (box) { box.focus(); }  // the key then types into the search box
        }
    }, true);
})();
