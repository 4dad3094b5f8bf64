// The shape every dashboard page module has (see sync/hq/dashboard/README.md, "How the dashboard is put together").

/** @typedef {'manager'|'store-manager'|'support'} Role */

/**
 * @typedef {object} StaffUser
 * @property {number} id
 * @property {string} username
 * @property {string} displayName
 * @property {Role} role
 * @property {string[]|null} storeIds  null = every store
 */

/**
 * @typedef {object} PageContext
 * @property {StaffUser} user
 * @property {(hash: string) => void} navigate  e.g. `navigate('#/member/m-1')`
 * @property {string[]} params  the decoded path segments after the page id (`#/member/<id>` → [id])
 */

/**
 * @typedef {object} Page
 * @property {string} id  the first hash segment: `#/<id>[/<param>]`
 * @property {string} titleKey  i18n key of its name in the navigation
 * @property {Role[]} roles  who may open it
 * @property {boolean} [hidden]  not listed in the navigation (reached by a link, e.g. a member)
 * @property {(container: HTMLElement, ctx: PageContext) => void | (() => void) | Promise<void | (() => void)>} render
 *   draws the page into `container`; may return a cleanup function
 */

/** A page, typed (identity at run time). @param {Page} page @returns {Page} */
export function definePage(page) {
  return page;
}

/** The hash of a page with its parameters, encoded. @param {string} id @param {...string} params */
export function pageHash(id, ...params) {
  return `#/${[id, ...params.map((param) => encodeURIComponent(param))].join('/')}`;
}
