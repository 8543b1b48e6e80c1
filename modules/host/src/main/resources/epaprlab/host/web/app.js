// The host dashboard: polls the API once a second, streams one VM's console. No build step.
"use strict";

const params = new URLSearchParams(location.search);
if (params.get("token")) sessionStorage.setItem("epapr-token", params.get("token"));
let consoleAbort = null;
let consoleVm = null;
const rates = new Map();

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const t = sessionStorage.getItem("epapr-token");
  if (t) h["Authorization"] = "Bearer " + t;
  return h;
}

async function api(method, path, body) {
  const r = await fetch(path, { method, headers: headers(body ? { "Content-Type": "application/json" } : {}), body });
  if (r.status === 401) document.getElementById("token-form").hidden = false;
  const data = r.headers.get("Content-Type")?.startsWith("application/json") ? await r.json() : null;
  if (!r.ok) throw new Error((data && data.field ? data.field + ": " : "") + (data ? data.message : r.status));
  return data;
}

function show(err) { document.getElementById("error").textContent = err ? String(err.message || err) : ""; }

function cell(row, cls, text) {
  let td = row.querySelector("td." + cls);
  if (!td) { td = document.createElement("td"); td.className = cls; row.appendChild(td); }
  if (td.textContent !== String(text)) td.textContent = text;
  return td;
}

function vmRow(tbody, vm) {
  let row = tbody.querySelector(`tr[data-vm="${CSS.escape(vm.id)}"]`);
  if (!row) {
    row = document.createElement("tr");
    row.dataset.vm = vm.id;
    for (const c of ["id", "state", "starts", "boots", "resets", "crashes", "rate", "outcome"]) cell(row, c, "");
    const actions = cell(row, "actions", "");
    for (const a of ["start", "stop", "reset", "console", "remove"]) {
      const b = document.createElement("button");
      b.textContent = a;
      b.dataset.action = a;
      b.addEventListener("click", () => act(vm.id, a));
      actions.appendChild(b);
    }
    tbody.appendChild(row);
  }
  row.className = "state-" + vm.state;
  cell(row, "id", vm.id);
  cell(row, "state", vm.state);
  for (const c of ["starts", "boots", "resets", "crashes"]) cell(row, c, vm[c]).classList.add("num");
  cell(row, "rate", Math.round(vm.instructionsPerSecond).toLocaleString("en")).classList.add("num");
  cell(row, "outcome", vm.outcome ? vm.outcome + (vm.asExpected ? "" : " (not expected)") : "");
  return row;
}

async function act(id, action) {
  try {
    if (action === "console") return openConsole(id);
    if (action === "remove") await api("DELETE", "/api/v1/vms/" + encodeURIComponent(id));
    else await api("POST", `/api/v1/vms/${encodeURIComponent(id)}/${action}`);
    show(null);
    refresh();
  } catch (e) { show(e); }
}

async function openConsole(id) {
  if (consoleAbort) consoleAbort.abort();
  consoleAbort = new AbortController();
  consoleVm = id;
  document.getElementById("console-panel").hidden = false;
  document.getElementById("console-vm").textContent = id;
  const pre = document.getElementById("console");
  pre.textContent = "";
  try {
    const r = await fetch(`/api/v1/vms/${encodeURIComponent(id)}/console?from=0`, { headers: headers(), signal: consoleAbort.signal });
    const reader = r.body.getReader();
    const text = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pre.textContent += text.decode(value, { stream: true });
      pre.scrollTop = pre.scrollHeight;
    }
  } catch (e) { if (e.name !== "AbortError") show(e); }
}

async function sendLine(ev) {
  ev.preventDefault();
  const input = document.getElementById("console-input");
  try {
    await fetch(`/api/v1/vms/${encodeURIComponent(consoleVm)}/console`,
      { method: "POST", headers: headers({ "Content-Type": "application/octet-stream" }), body: input.value + "\n" })
      .then(r => r.ok ? r : r.json().then(d => { throw new Error(d.message); }));
    input.value = "";
    show(null);
  } catch (e) { show(e); }
}

async function refresh() {
  try {
    const { vms } = await api("GET", "/api/v1/vms");
    const tbody = document.querySelector("#vms tbody");
    const seen = new Set();
    for (const vm of vms) { vmRow(tbody, vm); seen.add(vm.id); }
    for (const row of [...tbody.rows]) if (!seen.has(row.dataset.vm)) row.remove();
    const running = vms.filter(v => v.state === "running").length;
    document.getElementById("summary").textContent = `${vms.length} VMs, ${running} running`;
    const { labs } = await api("GET", "/api/v1/labs");
    const lbody = document.querySelector("#labs tbody");
    for (const lab of labs) {
      let row = lbody.querySelector(`tr[data-lab="${CSS.escape(lab.id)}"]`);
      if (!row) { row = document.createElement("tr"); row.dataset.lab = lab.id; lbody.appendChild(row); }
      cell(row, "id", lab.id);
      cell(row, "state", lab.state);
      cell(row, "progress", `${lab.finished}/${lab.vms}`);
      cell(row, "expected", lab.asExpected);
      cell(row, "not", lab.notAsExpected);
    }
  } catch (e) { show(e); }
}

document.getElementById("create").addEventListener("submit", async ev => {
  ev.preventDefault();
  try { await api("POST", "/api/v1/vms", document.getElementById("create-config").value); show(null); refresh(); }
  catch (e) { show(e); }
});
document.getElementById("console-form").addEventListener("submit", sendLine);
document.getElementById("token-form").addEventListener("submit", ev => {
  ev.preventDefault();
  sessionStorage.setItem("epapr-token", document.getElementById("token").value);
  document.getElementById("token-form").hidden = true;
  refresh();
});
refresh();
setInterval(refresh, 1000);
