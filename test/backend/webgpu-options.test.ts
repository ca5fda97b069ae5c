/**
 * `configureWebGPU`'s convolution options, checked without a GPU (the settings are plain values
 * until a kernel runs): the choice and the window bound round-trip, and bad values are refused
 * with the option's name and what was expected, leaving the settings unchanged.
 */
import { configureWebGPU } from "typegrad";
import { afterEach, describe, expect, it } from "vitest";

describe("configureWebGPU: conv and convWindowBytes", () => {
  const initial = configureWebGPU({});
  afterEach(() => {
    configureWebGPU(initial);
  });

  it("defaults to auto with the device's bound, and returns the previous settings", () => {
    expect(initial.conv).toBe("auto");
    expect(initial.convWindowBytes).toBe("auto");
    expect(configureWebGPU({ conv: "implicit", convWindowBytes: 1 << 20 })).toMatchObject({ conv: "auto", convWindowBytes: "auto" });
    expect(configureWebGPU({ conv: "windows" })).toMatchObject({ conv: "implicit", convWindowBytes: 1 << 20 });
    expect(configureWebGPU({ convWindowBytes: 0 })).toMatchObject({ conv: "windows", convWindowBytes: 1 << 20 });
    expect(configureWebGPU({})).toMatchObject({ conv: "windows", convWindowBytes: 0 });
  });

  it.each([
    [{ conv: "direct" }, `configureWebGPU: option 'conv' must be "auto", "implicit" or "windows", got "direct"`],
    [{ convWindowBytes: -1 }, `configureWebGPU: option 'convWindowBytes' must be "auto" or an integer number of bytes ≥ 0, got -1`],
    [{ convWindowBytes: 1.5 }, `configureWebGPU: option 'convWindowBytes' must be "auto" or an integer number of bytes ≥ 0, got 1.5`],
    [{ convWindowBytes: Number.NaN }, `configureWebGPU: option 'convWindowBytes' must be "auto" or an integer number of bytes ≥ 0, got NaN`],
    [{ convWindowBytes: "big" }, `configureWebGPU: option 'convWindowBytes' must be "auto" or an integer number of bytes ≥ 0, got "big"`],
  ])("refuses %j, changing nothing", (opts, message) => {
    const before = configureWebGPU({});
    expect(() => configureWebGPU({ conv: "implicit", ...(opts as object) })).toThrow(message);
    expect(configureWebGPU({})).toEqual(before);
  });

  it("refuses a bad tile before changing the convolution settings", () => {
    expect(() => configureWebGPU({ conv: "implicit", tile: { bm: 3, bn: 64, bk: 16, tm: 4, tn: 4 } })).toThrow(/configureWebGPU: option 'tile'/);
    expect(configureWebGPU({}).conv).toBe("auto");
  });
});
