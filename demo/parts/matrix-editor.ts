// matrix-editor.ts — a rows × cols grid of labelled number inputs (w11, w12, …), for the
// exercise's W and R. Tab moves through it in reading order; every cell has its own label.

export class MatrixEditor {
  private readonly inputs: HTMLInputElement[][] = [];

  constructor(host: HTMLElement, readonly name: string, readonly rows: number, readonly cols: number, onInput: () => void) {
    host.style.gridTemplateColumns = `repeat(${cols}, auto)`;
    for (let r = 0; r < rows; r++) {
      const row: HTMLInputElement[] = [];
      for (let c = 0; c < cols; c++) {
        const input = document.createElement('input');
        input.type = 'number';
        input.step = 'any';
        input.inputMode = 'decimal';
        input.id = `${name.toLowerCase()}-${r + 1}${c + 1}`;
        input.setAttribute('aria-label', `${name} row ${r + 1}, column ${c + 1} (${name.toLowerCase()}${r + 1}${c + 1})`);
        input.addEventListener('input', onInput);
        host.append(input);
        row.push(input);
      }
      this.inputs.push(row);
    }
  }

  /** Current values; an empty or unparsable cell counts as 0. */
  get(): number[][] {
    return this.inputs.map((row) => row.map((el) => {
      const v = Number(el.value);
      return el.value.trim() !== '' && Number.isFinite(v) ? v : 0;
    }));
  }

  set(values: number[][]): void {
    values.forEach((row, r) => row.forEach((v, c) => {
      this.inputs[r]![c]!.value = String(Number(v.toPrecision(6)));
    }));
  }

  setReadOnly(readOnly: boolean): void {
    for (const row of this.inputs) for (const el of row) el.readOnly = readOnly;
  }
}
