import 'reflect-metadata';
import { IsInt, IsPositive, IsString, getMetadataStorage, validateSync } from 'class-validator';

/**
 * patches/class-validator+0.15.1.patch: class-validator looked for a class's rules by walking every
 * class that has rules, for each object it validated (events and request bodies alike). The answer
 * is now kept per class until rules are added; these tests fail without the patch.
 */
describe('class-validator rules looked up once per class', () => {
  class Parent {
    @IsInt() n!: unknown;
  }
  class Child extends Parent {
    @IsString() s!: unknown;
  }

  it('answers the same rules for a class again, inherited ones included', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(first);
    expect(first.map((m) => m.propertyName).sort()).toEqual(['n', 's']);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(validateSync(Object.assign(new Child(), { n: 'x', s: 1 })).map((e) => e.property).sort()).toEqual(['n', 's']);
    expect(validateSync(Object.assign(new Child(), { n: 1, s: 'ok' }))).toEqual([]);
  });

  it('sees rules added after a class was first validated', () => {
    class Late {
      @IsInt() m!: unknown;
    }
    expect(validateSync(Object.assign(new Late(), { m: -1 }))).toEqual([]);
    IsPositive()(Late.prototype, 'm');
    expect(validateSync(Object.assign(new Late(), { m: -1 })).map((e) => Object.keys(e.constraints ?? {}))).toEqual([['isPositive']]);
  });
});
