import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A class of the contracts: what plainToInstance instantiates. */
export type ContractClass = abstract new () => object;

/**
 * The answer `plainToInstance` + `validateSync(…, { forbidUnknownValues: true })` gives for a plain
 * object, without building instances or error objects: every consumed event was validated that way
 * in each service reading it, and most of the time went to the machinery around the checks. The plan
 * calls the very constraint instances class-validator would, in the order it would, on the values
 * `plainToInstance` would hand it. It only ever answers "valid" when that path would: anything it does
 * not model (a transform, an exposed name, a promise, a primitive `@Type` given another type, a nested
 * value that is not a plain object) answers "not sure", and the caller takes the full path, which also
 * words the problems.
 */
export function passesValidation(target: ContractClass, plain: unknown): boolean {
  return isPlainObject(plain) && planFor(target, undefined).check(plain);
}

type Condition = (object: object, value: unknown) => boolean;
type Conversion = 'none' | 'unsupported' | 'number' | 'string' | 'boolean' | 'nested';

interface ConstraintCall {
  readonly validator: ValidatorConstraintInterface;
  readonly each: boolean;
  readonly validateIf: Condition | undefined;
  /** Reused for every call: the built-in constraints read it and keep nothing. */
  readonly args: ValidationArguments;
}

interface PropertyPlan {
  readonly name: string;
  /** What `plainToInstance` does to the value first: keep it, require a primitive of the `@Type`, or build a nested class. */
  readonly conversion: Conversion;
  readonly conditions: readonly Condition[];
  readonly calls: readonly ConstraintCall[];
  /**
   * For a `@ValidateNested` property, the plan of the `@Type` class its values are checked against, or
   * `untyped`: without a `@Type` class the nested value stays a plain object, which forbidUnknownValues rejects.
   */
  readonly nested: ClassPlan | 'untyped' | undefined;
}

class ClassPlan {
  private properties?: readonly PropertyPlan[] | null;

  constructor(
    private readonly target: ContractClass,
    private readonly targetSchema: string | undefined,
  ) {}

  /** Built on first use: classes may reference each other, and metadata is complete only once all are loaded. */
  check(plain: Record<string, unknown>): boolean {
    if (this.properties === undefined) this.properties = buildProperties(this.target, this.targetSchema);
    const properties = this.properties;
    if (properties === null) return false;
    for (let p = 0; p < properties.length; p++) {
      const property = properties[p];
      const value = plain[property.name];
      if (!convertsToItself(property.conversion, value)) return false;
      if (!conditionsHold(property.conditions, plain, value)) continue;
      const calls = property.calls;
      for (let c = 0; c < calls.length; c++) {
        const call = calls[c];
        if (call.validateIf && !call.validateIf(plain, value)) continue;
        const args = call.args as { object: object; value: unknown };
        args.object = plain;
        args.value = value;
        // A promise or a merely truthy answer is not modelled: "not sure".
        if (call.each && Array.isArray(value)) {
          for (let i = 0; i < value.length; i++)
            if (call.validator.validate(value[i], call.args) !== true) return false;
        } else if (call.validator.validate(value, call.args) !== true) return false;
      }
      if (property.nested && value !== undefined && !nestedPasses(property.nested, value)) return false;
    }
    return true;
  }
}

function nestedPasses(plan: ClassPlan | 'untyped', value: unknown): boolean {
  if (plan === 'untyped') return false;
  // class-validator validates an array element by element, with or without `each`.
  if (!Array.isArray(value)) return isPlainObject(value) && plan.check(value);
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (element !== undefined && !(isPlainObject(element) && plan.check(element))) return false;
  }
  return true;
}

function conditionsHold(conditions: readonly Condition[], object: object, value: unknown): boolean {
  for (let i = 0; i < conditions.length; i++) if (!conditions[i](object, value)) return false;
  return true;
}

/** Whether `plainToInstance` leaves the value as it is (nested values are checked by their own plan). */
function convertsToItself(conversion: Conversion, value: unknown): boolean {
  if (conversion === 'none' || conversion === 'nested' || value === undefined || value === null) return true;
  return conversion !== 'unsupported' && typeof value === conversion;
}

const plans = new Map<ContractClass, Map<string, ClassPlan>>();

function planFor(target: ContractClass, targetSchema: string | undefined): ClassPlan {
  let bySchema = plans.get(target);
  if (!bySchema) plans.set(target, (bySchema = new Map<string, ClassPlan>()));
  const key = targetSchema ?? '';
  let plan = bySchema.get(key);
  if (!plan) bySchema.set(key, (plan = new ClassPlan(target, targetSchema)));
  return plan;
}

const MODELLED_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

/** null when the class has something the plan does not model: every check of it then takes the full path. */
function buildProperties(target: ContractClass, targetSchema: string | undefined): PropertyPlan[] | null {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, targetSchema ?? '', false, false, undefined);
  // forbidUnknownValues: a class without validation metadata is an error in itself.
  if (metadatas.length === 0) return null;
  if (metadatas.some((m) => !MODELLED_TYPES.has(m.type))) return null;
  if (transformerMetadata.getExposedMetadatas(target).length > 0) return null;
  if (!hasNoDefaults(target)) return null;
  const properties: PropertyPlan[] = [];
  for (const [name, own] of Object.entries(storage.groupByPropertyName(metadatas))) {
    if (
      transformerMetadata.findTransformMetadatas(target, name, TransformationType.PLAIN_TO_CLASS).length > 0
    )
      return null;
    if (transformerMetadata.findExcludeMetadata(target, name)) return null;
    const { conversion, nestedClass } = conversionOf(target, name);
    const nested = own.find((m) => m.type === ValidationTypes.NESTED_VALIDATION);
    // class-validator runs the IsDefined checks first, then the others, each in declaration order.
    const validated = [
      ...own.filter((m) => m.type === ValidationTypes.IS_DEFINED),
      ...own.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
    ];
    const calls: ConstraintCall[] = [];
    for (const metadata of validated) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) continue; // validateSync skips asynchronous constraints
        calls.push({
          validator: constraint.instance,
          each: metadata.each === true,
          validateIf: metadata.validateIf,
          args: {
            targetName: target.name,
            property: metadata.propertyName,
            object: {},
            value: undefined,
            constraints: metadata.constraints,
          },
        });
      }
    }
    properties.push({
      name,
      conversion,
      conditions: own
        .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
        .map((m) => m.constraints[0] as Condition),
      calls,
      // The nested plan builds its own properties on first use, so classes may refer to each other.
      nested: !nested
        ? undefined
        : conversion === 'nested' && nestedClass
          ? planFor(nestedClass, schemaNameOf(nested))
          : 'untyped',
    });
  }
  return properties;
}

function conversionOf(
  target: ContractClass,
  name: string,
): { conversion: Conversion; nestedClass?: ContractClass } {
  const type = transformerMetadata.findTypeMetadata(target, name);
  if (!type) return { conversion: 'none' };
  if (type.options && Object.keys(type.options).length > 0) return { conversion: 'unsupported' };
  const to = type.typeFunction();
  if (to === Number) return { conversion: 'number' };
  if (to === String) return { conversion: 'string' };
  if (to === Boolean) return { conversion: 'boolean' };
  if (to === Date || to === Object || to === Array || typeof to !== 'function')
    return { conversion: 'unsupported' };
  return { conversion: 'nested', nestedClass: to as ContractClass };
}

function schemaNameOf(metadata: ValidationMetadata): string {
  const target: unknown = metadata.target;
  return typeof target === 'string' ? target : (target as { name: string }).name;
}

/** `plainToInstance` starts from `new Target()`: a field initialiser would show where the plain object has nothing. */
function hasNoDefaults(target: ContractClass): boolean {
  try {
    const blank = new (target as new () => object)();
    return Object.values(blank).every((v) => v === undefined);
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
