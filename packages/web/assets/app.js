// Plenum's progressive enhancement. Every action works as a plain form post without this
// script; with it, votes, replies and "load more" happen in place. No framework, no build.

async function postForm(form) {
  const response = await fetch(form.action, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(new FormData(form)),
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// Votes: update the score and the pressed state without reloading.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form.vote")) return;
  event.preventDefault();
  try {
    const result = await postForm(form);
    const box = form.closest(".votes");
    if (!box) return;
    box.querySelector(".score").textContent = String(result.score);
    for (const button of box.querySelectorAll("button")) {
      const value = Number(button.dataset.value);
      button.setAttribute("aria-pressed", String(result.myVote === value));
      const hidden = button.form.querySelector('input[name="score"]');
      if (hidden) hidden.value = String(result.myVote === value ? 0 : value);
    }
  } catch {
    form.submit();
  }
});

// Replies: post the form, insert the rendered comment, keep the reader where they were.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form.reply")) return;
  event.preventDefault();
  try {
    const result = await postForm(form);
    const holder = document.createElement("template");
    holder.innerHTML = result.html;
    const list =
      form.closest("li.comment")?.querySelector(":scope > details > ul.comments") ??
      document.querySelector("#comments > ul.comments");
    if (list) list.prepend(holder.content);
    form.reset();
    form.closest("details")?.removeAttribute("open");
  } catch {
    form.submit();
  }
});

// "Load more": fetch the next part of a thread as HTML and put it in place of the link.
document.addEventListener("click", async (event) => {
  const link = event.target instanceof Element ? event.target.closest("a.load-more") : null;
  if (!link) return;
  event.preventDefault();
  try {
    const response = await fetch(link.dataset.fragment, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    link.closest("li")?.replaceWith(holder.content);
  } catch {
    window.location.href = link.href;
  }
});

// Relative times stay fresh on a page left open; the exact time stays in the title.
function refreshTimes() {
  const now = Date.now();
  for (const time of document.querySelectorAll("time[datetime]")) {
    const seconds = Math.round((now - Date.parse(time.getAttribute("datetime"))) / 1000);
    if (Number.isFinite(seconds)) time.textContent = relative(seconds);
  }
}
function relative(seconds) {
  const units = [
    ["year", 31536000],
    ["month", 2592000],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [name, size] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? "" : "s"} ago`;
  }
  return "just now";
}
setInterval(refreshTimes, 60000);

// Sort menus apply as soon as the choice changes.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit")) select.form?.submit();
});
