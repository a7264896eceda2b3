// 关怀模式 before the first paint: the page opens in the mode it was left in (the app's switch in
// the header stores the choice under this key).
try {
  if (localStorage.getItem("jszg-care") === "1") document.documentElement.classList.add("care");
} catch (e) { /* storage refused: the standard mode */ }
