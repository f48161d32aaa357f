import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/**
 * One Taro source, three targets: weapp, alipay, h5 (TARO_ENV).
 *
 * - Each platform builds into its own folder (`dist/<platform>`), so building one never wipes another.
 * - The contract package `@onevisit/shared-types` is TypeScript source in the workspace: it must be
 *   compiled like our own code (`compile.include`), otherwise webpack fails on `export interface`.
 * - NutUI is designed at 375 px, our own styles at 750 px.
 * - `API_BASE`: H5 is served by the BFF and calls it same-origin (`''`); the mini-programs need an
 *   absolute https base, set at build time with `TARO_APP_API_BASE`.
 */
const SHARED_TYPES = path.resolve(__dirname, '../../shared-types')

export default defineConfig<'webpack5'>(async (merge) => {
  const taroEnv = process.env.TARO_ENV
  const apiBase = process.env.TARO_APP_API_BASE ?? (taroEnv === 'h5' ? '' : 'http://localhost:8080')
  const appTitle = process.env.TARO_APP_TITLE ?? 'OneVisit 公安一网通办'

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'onevisit-miniapp',
    date: '2026-11-28',
    designWidth(input) {
      const file = typeof input === 'object' && input !== null ? (input as { file?: string }).file : undefined
      return file && file.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750
    },
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase),
      APP_TITLE: JSON.stringify(appTitle),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: true },
    mini: {
      compile: { include: [SHARED_TYPES] },
      // Modules used only by subpackages (src/packages/*) stay out of the main package.
      optimizeMainPackage: { enable: true },
      // Pages import the shared components (and their stylesheets) in different orders; our class
      // names do not depend on the order of the shared chunk, as on H5 (below)
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      compile: { include: [SHARED_TYPES] },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: {
        filename: 'js/[name].[hash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        // Each H5 page is an async chunk, and Taro splits only initial chunks: without this every
        // page carries its own copy of NutUI, zod and our components (~215 KB per page).
        const splitChunks = chain.optimization.get('splitChunks')
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' })
      },
    },
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
