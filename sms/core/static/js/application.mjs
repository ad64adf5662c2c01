// Start GOV.UK Frontend's components and the inactivity timeout warning.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

function formatRemaining(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function csrfToken() {
  const field = document.querySelector("#timeout-sign-out-form input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// The GOV.UK timeout pattern: warn before the server's inactivity limit, let the person stay,
// and sign them out (recording why) if they do nothing.
function startTimeoutWarning(dialog) {
  // The server's clock started when it answered, a little before this page loaded: sign out a
  // moment early so the sign-out reaches the server while the session still exists.
  const margin = Math.min(2, Number(dialog.dataset.warningSeconds) / 2);
  const timeout = Number(dialog.dataset.timeoutSeconds) - margin;
  const warning = Math.min(Number(dialog.dataset.warningSeconds) - margin, timeout);
  const countdown = dialog.querySelector("#timeout-warning-countdown");
  const live = dialog.querySelector("#timeout-warning-live");
  const heading = dialog.querySelector("#timeout-warning-heading");
  const signOutForm = document.getElementById("timeout-sign-out-form");
  let deadline;
  let warnTimer;
  let tick;

  function schedule() {
    deadline = Date.now() + timeout * 1000;
    clearTimeout(warnTimer);
    clearInterval(tick);
    warnTimer = setTimeout(show, (timeout - warning) * 1000);
  }

  function update() {
    const remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = formatRemaining(remaining);
    if (remaining === 0) {
      clearInterval(tick);
      signOutForm.submit();
    }
    return remaining;
  }

  function show() {
    update();
    live.textContent = `For your security, we will sign you out in ${countdown.textContent}.`;
    dialog.showModal();
    heading.focus();
    tick = setInterval(update, 1000);
  }

  async function stay() {
    dialog.close();
    clearInterval(tick);
    const response = await fetch(dialog.dataset.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    if (response.ok) {
      schedule();
    } else {
      // The server has already ended the session: show the sign-in page.
      window.location.reload();
    }
  }

  dialog.querySelector("#timeout-warning-extend").addEventListener("click", stay);
  // Escape closes a modal dialog; in this pattern it means "stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  schedule();
}

const dialog = document.getElementById("timeout-warning");
if (dialog && typeof dialog.showModal === "function") {
  startTimeoutWarning(dialog);
}

// Work done in the background (a large import): its page refreshes the progress in place while the
// work goes on, then shows the outcome. Without JavaScript the page's "Check again" link does it.
function followProgress(region) {
  const delay = Number(region.dataset.refreshSeconds) * 1000;

  async function poll() {
    let page;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) {
        return;
      }
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      setTimeout(poll, delay);
      return;
    }
    const fresh = page.getElementById(region.id);
    if (fresh && fresh.dataset.refreshSeconds) {
      region.innerHTML = fresh.innerHTML;
      setTimeout(poll, delay);
    } else {
      window.location.reload();
    }
  }

  setTimeout(poll, delay);
}

document.querySelectorAll("[data-refresh-seconds]").forEach(followProgress);
