"use client";

export { default } from "../../(chat)/error";
