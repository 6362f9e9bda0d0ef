/**
 * The page a customer sees when they open the survey link in a browser (WeChat's included): the
 * questions, posted back as JSON to `<link>/responses`. Nothing the customer typed is rendered
 * into the page, so the only dynamic parts are the state and the expiry, both ours.
 */
export interface SurveyPageState {
  readonly status: 'open' | 'answered';
  readonly expiresAt: string;
}

/** Inline script and style only; the page may talk to nothing but this service. */
export const SURVEY_PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'";

const THANKS = '<p class="done">感谢您的评价！/ Thank you for your feedback!</p>';

export function renderSurveyPage(state: SurveyPageState): string {
  const scale = (name: string, from: number, to: number): string =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i)
      .map((n) => `<label><input type="radio" name="${name}" value="${n}"><span>${n}</span></label>`)
      .join('');
  const body =
    state.status === 'answered'
      ? THANKS
      : `<form id="survey">
  <fieldset><legend>本次服务您满意吗？/ How satisfied are you with our service? (1–5)</legend>${scale('csat', 1, 5)}</fieldset>
  <fieldset><legend>您有多大可能向朋友推荐我们？/ How likely are you to recommend us? (0–10)</legend>${scale('nps', 0, 10)}</fieldset>
  <label for="comment">意见或建议 / Comments</label>
  <textarea id="comment" name="comment" maxlength="2000" rows="4"></textarea>
  <button type="submit">提交 / Submit</button>
  <p id="error" role="alert"></p>
</form>
<p class="expiry">有效期至 / Open until ${escapeHtml(state.expiresAt)}</p>
<script>
document.getElementById('survey').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = {};
  if (form.get('csat')) answer.csat = Number(form.get('csat'));
  if (form.get('nps')) answer.nps = Number(form.get('nps'));
  const comment = String(form.get('comment') || '').trim();
  if (comment) answer.comment = comment;
  const res = await fetch(location.pathname.replace(/\\/$/, '') + '/responses', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer),
  });
  if (res.ok) { document.body.querySelector('main').innerHTML = ${JSON.stringify(THANKS)}; return; }
  const problem = await res.json().catch(() => ({}));
  document.getElementById('error').textContent = problem.detail || ('error ' + res.status);
});
</script>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>服务评价 / Rate our service</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}fieldset{border:0;padding:0;margin:0 0 1rem}
legend{margin-bottom:.5rem}label span{display:inline-block;min-width:2rem;text-align:center;margin:.1rem}textarea{width:100%}
button{margin-top:1rem;padding:.5rem 1.5rem}.expiry{color:#666;font-size:.85rem}</style></head>
<body><main>${body}</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}
