/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.gif';
declare module '*.jpg';
declare module '*.jpeg';
declare module '*.svg';
declare module '*.css';
declare module '*.scss';

/** Base URL of the BFF, without `/api/v1` (`''` on H5: same origin). Set by config/index.ts. */
declare const API_BASE: string;
/** Product name shown in the header; a deployment sets it with TARO_APP_TITLE. */
declare const APP_TITLE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    /** The platform being built. OneVisit builds weapp, alipay and h5. */
    TARO_ENV: 'weapp' | 'alipay' | 'h5';
    /** The mini-program's AppID (falls back to project.config.json). */
    TARO_APP_ID?: string;
    /** Absolute BFF base for the mini-programs, e.g. https://api.example.gov.cn */
    TARO_APP_API_BASE?: string;
    TARO_APP_TITLE?: string;
  }
}

/** Alipay's global API object, used only behind `process.env.TARO_ENV === 'alipay'` (calls Taro does not wrap). */
declare const my: {
  /** Alipay face verification (实人认证) with a certifyId and the certify URL from the BFF. */
  startAPVerify(options: {
    url: string;
    certifyId: string;
    success?: (res: { resultStatus?: string; result?: unknown }) => void;
    fail?: (err: { error?: number; errorMessage?: string }) => void;
  }): void;
  /**
   * Alipay mini-program payment with the trade number the BFF created (alipay.trade.create).
   * `success` is called for every result code, a cancelled payment (6001) included.
   */
  tradePay(options: {
    tradeNO: string;
    success?: (res: { resultCode?: string | number; memo?: string; result?: string }) => void;
    fail?: (err: { error?: number; errorMessage?: string }) => void;
  }): void;
  /** Alipay's date picker (its <picker> has no date mode). */
  datePicker(options: {
    format?: string;
    currentDate?: string;
    startDate?: string;
    endDate?: string;
    success?: (res: { date: string }) => void;
    fail?: (err: { error?: number; errorMessage?: string }) => void;
  }): void;
};
