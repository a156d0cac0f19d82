// The organisation field, enhanced: GOV.UK's accessible-autocomplete over the names the page's
// datalist holds. Without JavaScript, or without the library, the text field and its datalist
// work as they are. Whatever a person types is kept: a name not in the list is still an answer.

const MOST = 12; // suggestions shown at once

// The form names are matched by, like the server's: case, punctuation and "&"/"and" aside.
function normalise(text) {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['\u2019\u2018`]/g, "")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

// Names with every typed word in them, those starting with the query first.
function suggester(names) {
  const forms = names.map((name) => [name, normalise(name)]);
  return (query, populate) => {
    const typed = normalise(query);
    const words = typed.split(" ").filter(Boolean);
    if (!words.length) {
      populate([]);
      return;
    }
    const found = forms.filter(([, form]) => words.every((word) => form.includes(word)));
    found.sort(([, a], [, b]) => Number(!a.startsWith(typed)) - Number(!b.startsWith(typed)));
    populate(found.slice(0, MOST).map(([name]) => name));
  };
}

// The words a screen reader hears on reaching the field: its hint and error, then how to use it.
function assistiveHint(input) {
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  const said = ids
    .map((id) => document.getElementById(id)?.textContent.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .map((text) => (/[.!?]$/.test(text) ? text : `${text}.`));
  said.push("When suggestions appear, use the up and down arrows to review them and Enter to choose one.");
  return said.join(" ");
}

export function enhanceOrganisationFields() {
  const autocomplete = window.accessibleAutocomplete;
  if (typeof autocomplete !== "function") {
    return;
  }
  for (const input of document.querySelectorAll('input[data-organisations="autocomplete"]')) {
    const list = document.getElementById(input.getAttribute("list"));
    const names = list ? Array.from(list.options, (option) => option.value) : [];
    const hint = assistiveHint(input);
    const wrapper = document.createElement("div");
    input.replaceWith(wrapper);
    list?.remove();
    autocomplete({
      element: wrapper,
      id: input.id,
      name: input.name,
      defaultValue: input.value,
      source: suggester(names),
      minLength: 2,
      confirmOnBlur: false,
      showNoOptionsFound: false,
      inputClasses: input.className,
      tAssistiveHint: () => hint,
    });
  }
}
