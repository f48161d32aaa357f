import Taro from '@tarojs/taro';
import type { IdentityStep } from '@onevisit/shared-types/client';
import { backDelta, isTabPage, parseRedirect, stackPageUrl, type StackPage } from './redirect';
import { identityRoutes, routes } from './routes';

function stack(): StackPage[] {
  try {
    return Taro.getCurrentPages() as unknown as StackPage[];
  } catch {
    return [];
  }
}

/** The URL of the page on top of the stack (the one calling), to come back to after a step. */
export function currentPageUrl(): string | undefined {
  const pages = stack();
  return pages.length ? stackPageUrl(pages[pages.length - 1]) : undefined;
}

/** Opens the page of an identity step; afterwards the citizen returns to `redirect` (default: here). */
export function goToStep(step: IdentityStep, redirect: string | undefined = currentPageUrl()): void {
  const url = step === 'login' ? identityRoutes.login(redirect) : step === 'real_name' ? identityRoutes.realName(redirect) : identityRoutes.face(redirect);
  void Taro.navigateTo({ url });
}

/**
 * After a step: back to `redirect` when it is one of our pages (the fallback otherwise) — by going
 * back in the stack when it is there (the page keeps its state and refreshes on show), by
 * switchTab for a tab page, by replacing this page otherwise.
 */
export function returnTo(redirect: string | undefined, fallback: string = routes.me): void {
  const target = parseRedirect(redirect) ?? parseRedirect(fallback);
  if (!target) return;
  if (isTabPage(target)) {
    void Taro.switchTab({ url: `/${target.route}` });
    return;
  }
  const delta = backDelta(stack(), target);
  if (delta) void Taro.navigateBack({ delta });
  else void Taro.redirectTo({ url: target.url });
}
