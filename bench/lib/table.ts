/** A fixed-width table printed row by row: two header lines, then one line per step. */
export class Table {
  constructor(readonly columns: [string, string, number][]) {}

  #line(cells: (string | number)[]): string {
    return cells.map((cell, i) => String(cell).padStart(this.columns[i]![2])).join('  ');
  }

  header(): void {
    console.log(this.#line(this.columns.map(([first]) => first)));
    console.log(this.#line(this.columns.map(([, second]) => second)));
  }

  row(cells: (string | number)[]): void {
    console.log(this.#line(cells));
  }
}
