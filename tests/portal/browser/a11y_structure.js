// Landmarks, one h1, labelled controls, images with alt: returns the problems found.
() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  for (const role of ['main', 'header', 'footer']) if (!document.querySelector(role)) problems.push(`no <${role}>`);
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = input.labels && input.labels.length || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`unlabelled ${input.name}`);
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push(`img without alt ${img.src}`);
  return problems;
}
