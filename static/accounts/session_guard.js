// Never lose typed words (issue 17): when the session ends or the connection drops, what the
// person typed stays on the page; they sign in again here (password and code) and it is saved.
// Also asks "Still there?" shortly before the idle limit. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("kw-session");
    if (!root) return;
    var urls = {
      status: root.dataset.statusUrl,
      keepalive: root.dataset.keepaliveUrl,
      reauth: root.dataset.reauthUrl,
    };
    var warnBefore = parseInt(root.dataset.warnBefore, 10) || 60;
    var deadline = Date.now() + (parseInt(root.dataset.remaining, 10) || 0) * 1000;
    var checkEvery = Math.max(1000, Math.min(10000, (warnBefore * 1000) / 3));
    var nextCheck = 0;
    var checking = false;
    var typed = false; // typed since the server last counted activity
    var signedOut = false;
    var pending = []; // what to do again once signed in (save, submit)
    var still = document.getElementById("kw-still-there");
    var out = document.getElementById("kw-signed-out");
    var offline = document.getElementById("kw-offline");
    var outForm = document.getElementById("kw-reauth-form");
    var outError = document.getElementById("kw-reauth-error");
    var countdown = document.getElementById("kw-still-there-seconds");

    function cookie(name) {
      var parts = document.cookie ? document.cookie.split("; ") : [];
      for (var i = 0; i < parts.length; i++) {
        var eq = parts[i].indexOf("=");
        if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
      }
      return "";
    }
    function csrf() {
      var input = document.querySelector("input[name=csrfmiddlewaretoken]");
      return cookie("csrftoken") || (input ? input.value : "");
    }
    function call(method, url, body) {
      return fetch(url, {
        method: method,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf() },
        body: body,
      });
    }
    function heard(remaining) {
      deadline = Date.now() + remaining * 1000;
    }
    function show(dialog) {
      if (dialog && !dialog.open) dialog.showModal();
    }
    function hide(dialog) {
      if (dialog && dialog.open) dialog.close();
    }

    function signOutSeen(action) {
      signedOut = true;
      if (action) pending.push(action);
      hide(still);
      document.body.classList.add("kw-is-signed-out");
      show(out);
      var password = outForm.querySelector("input[name=password]");
      if (password) password.focus();
    }
    function offlineSeen(action) {
      if (action) pending.push(action);
      offline.hidden = false;
    }
    function runPending() {
      var actions = pending;
      pending = [];
      actions.forEach(function (action) {
        action();
      });
    }

    // Status: how long is left. Resolves {signedOut: true} on 401; rejects when offline.
    function status() {
      return call("GET", urls.status).then(function (response) {
        if (response.status === 401) return { signedOut: true };
        return response.json().then(function (data) {
          heard(data.remaining);
          return data;
        });
      });
    }
    function keepalive() {
      return call("POST", urls.keepalive).then(function (response) {
        if (response.status === 401) return signOutSeen();
        return response.json().then(function (data) {
          heard(data.remaining);
          typed = false;
          hide(still);
        });
      });
    }

    function tick() {
      if (signedOut) return;
      var left = Math.ceil((deadline - Date.now()) / 1000);
      if (countdown) countdown.textContent = String(Math.max(0, left));
      if (left > warnBefore) {
        hide(still);
        return;
      }
      if (checking || Date.now() < nextCheck) return;
      checking = true;
      nextCheck = Date.now() + checkEvery;
      status()
        .then(function (data) {
          if (data.signedOut) return signOutSeen();
          if (data.remaining > data.warn_before) return hide(still); // another tab was active
          if (typed) return keepalive(); // typing is activity
          show(still);
        })
        .catch(function () {
          /* offline: asked again at the next check */
        })
        .then(function () {
          checking = false;
        });
    }
    window.setInterval(tick, 1000);

    document.addEventListener("input", function () {
      typed = true;
    });
    document.getElementById("kw-stay").addEventListener("click", function () {
      keepalive().catch(function () {
        offlineSeen();
      });
    });

    // htmx: a 401 keeps the page as it is and asks to sign in again; the request is sent again.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (!xhr) return;
      var remaining = xhr.getResponseHeader("X-Idle-Remaining");
      if (remaining) {
        heard(parseInt(remaining, 10));
        typed = false;
      }
      if (xhr.status === 401) {
        var config = event.detail.requestConfig || {};
        var elt = event.detail.elt;
        var target = event.detail.target;
        signOutSeen(function () {
          window.htmx.ajax(config.verb || "post", config.path, { source: elt, target: target });
        });
      } else if (xhr.status && !offline.hidden) {
        offline.hidden = true;
      }
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      var config = event.detail.requestConfig || {};
      var elt = event.detail.elt;
      var target = event.detail.target;
      offlineSeen(function () {
        window.htmx.ajax(config.verb || "post", config.path, { source: elt, target: target });
      });
    });
    window.addEventListener("online", function () {
      if (signedOut) return;
      offline.hidden = true;
      runPending();
    });
    document.getElementById("kw-offline-retry").addEventListener("click", function () {
      status()
        .then(function (data) {
          offline.hidden = true;
          if (data.signedOut) return signOutSeen();
          runPending();
        })
        .catch(function () {
          /* still offline: the message stays */
        });
    });

    // Ordinary forms: before posting, make sure the session is alive and the server reachable,
    // so Submit never lands on the sign-in page with the text gone.
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
        if (form.hasAttribute("data-kw-no-guard")) return;
        // Only forms with words typed into them need the check (a button alone loses nothing).
        if (!form.querySelector("textarea, input[type=text], input:not([type])")) return;
        // htmx posts the form itself (a 401 is handled above) unless its trigger is not "submit"
        // (the session editor autosaves on input and submits as an ordinary form).
        var trigger = form.getAttribute("hx-trigger");
        if (form.hasAttribute("hx-post") && (!trigger || /\bsubmit\b/.test(trigger))) return;
        if (form.dataset.kwChecked === "1") {
          form.dataset.kwChecked = "";
          return;
        }
        // Ask first only when the session may have ended (near or past the idle limit, or seen
        // signed out) or the browser says it is offline; otherwise post at once.
        var doubtful = signedOut || !navigator.onLine || deadline - Date.now() < 30000;
        if (!doubtful) return;
        event.preventDefault();
        var submitter = event.submitter;
        var again = function () {
          form.dataset.kwChecked = "1";
          if (form.requestSubmit) form.requestSubmit(submitter || undefined);
          else form.submit();
        };
        status().then(
          function (data) {
            if (data.signedOut) signOutSeen(again);
            else again();
          },
          function () {
            offlineSeen(again);
          }
        );
      },
      true
    );

    // Signing in again inside the page.
    outForm.addEventListener("submit", function (event) {
      event.preventDefault();
      outError.textContent = "";
      var button = outForm.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(urls.reauth, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          return fetch(urls.reauth, {
            method: "POST",
            credentials: "same-origin",
            headers: { Accept: "application/json", "X-CSRFToken": data.csrf_token },
            body: new FormData(outForm),
          });
        })
        .then(function (response) {
          return response.json().then(function (data) {
            if (!data.signed_in) {
              var errors = data.errors || {};
              outError.textContent =
                Object.keys(errors)
                  .map(function (k) {
                    return errors[k];
                  })
                  .join(" ") || "That did not work: try again.";
              return;
            }
            // Signing in gives a new CSRF token: the page's forms carry it from now on.
            document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
              input.value = data.csrf_token;
            });
            outForm.reset();
            signedOut = false;
            document.body.classList.remove("kw-is-signed-out");
            hide(out);
            heard(parseInt(root.dataset.limit, 10) || 60);
            typed = false;
            var saved = document.getElementById("kw-signed-in-again");
            if (saved) {
              saved.hidden = false;
              window.setTimeout(function () {
                saved.hidden = true;
              }, 8000);
            }
            runPending();
          });
        })
        .catch(function () {
          outError.textContent = "No connection: your text is still here. Try again in a moment.";
        })
        .then(function () {
          button.disabled = false;
        });
    });
    document.getElementById("kw-keep-writing").addEventListener("click", function () {
      hide(out); // the text stays; saving asks to sign in again
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
